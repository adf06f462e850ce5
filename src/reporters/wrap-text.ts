/**
 * Word wrap for terminal reports: lines of at most `width` columns, broken only between words. A word longer than
 * the line (an ARM id on a narrow terminal) keeps a line of its own, whole: a broken id cannot be copied.
 * `indent` starts every line; `hanging` (default: the same) starts every line after the first.
 */
export function wrapText(text: string, width: number, indent = '', hanging = indent): string[] {
  return text.split(/\r?\n/).flatMap((paragraph, index) => wrapUnits(paragraph.split(/\s+/), width, index === 0 ? indent : hanging, hanging));
}

/**
 * Wraps units that stay on one line when they fit (`(exception EX-1 expired on 2026-03-31)`); a unit longer than
 * a whole line is wrapped by its words.
 */
export function wrapUnits(units: readonly string[], width: number, indent = '', hanging = indent): string[] {
  const lines: string[] = [];
  let line = '';
  let prefix = indent;
  const put = (unit: string): void => {
    if (line === '') line = prefix + unit;
    else if (line.length + 1 + unit.length <= width) line += ` ${unit}`;
    else {
      lines.push(line);
      prefix = hanging;
      line = prefix + unit;
    }
  };
  for (const unit of units.map((u) => u.trim()).filter((u) => u.length > 0)) {
    if (hanging.length + unit.length > width && /\s/.test(unit)) for (const word of unit.split(/\s+/)) put(word);
    else put(unit);
  }
  lines.push(line === '' ? prefix.trimEnd() : line);
  return lines;
}
