/**
 * Operator groups, as Cognito groups in AWS and as the `role` of local operator tokens: the route table's
 * access rules (routes.ts) and the web client's operator console both read this module, which imports nothing
 * so that the browser bundle carries only these names.
 */
export const operatorGroups = ["contact-center", "branch", "back-office", "auditor"] as const;
export type OperatorGroup = (typeof operatorGroups)[number];
