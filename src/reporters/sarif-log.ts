/** One SARIF 2.1.0 run of ward: the envelope both `ward scan` and `ward iac` reports share. */
export interface SarifRun {
  readonly toolVersion: string;
  readonly rules: readonly unknown[];
  readonly results: readonly unknown[];
  /** Other members of the run: invocations, originalUriBaseIds, properties… */
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** The SARIF log as text, ready for GitHub code scanning or any SARIF viewer. */
export function printSarifLog({ toolVersion, rules, results, extra = {} }: SarifRun): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'ward', version: toolVersion, semanticVersion: toolVersion, rules } },
        ...extra,
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
