/** The source formats `ward iac` reads (the keys of the format registry): a leaf, so resources and findings can both name them. */
export type IacFormatName = 'terraform' | 'terraformPlan' | 'arm' | 'bicep';
