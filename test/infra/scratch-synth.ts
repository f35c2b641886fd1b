import { readFileSync } from "node:fs";
import { App } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { definePinService } from "../../infra/app.ts";
const cdkJson = JSON.parse(readFileSync("/work/main/cdk.json", "utf8"));
const t0 = Date.now();
const app = new App({ context: { ...cdkJson.context, "aws:cdk:bundling-stacks": [] }, outdir: "/tmp/try-out" });
const { data, service } = definePinService(app);
try { app.synth(); } catch (e) { console.log("SYNTH ERROR", (e as Error).message.slice(0, 6000)); }
console.log("synth ms", Date.now() - t0);
const report = new AwsSolutionsChecks(undefined, { verbose: false }).validateScope(app);
for (const v of report.violations) console.log(v.severity, v.ruleName, v.violatingResources.map((r) => r.constructPath).join(", "));
