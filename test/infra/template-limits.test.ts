import { Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { definePinService } from "../../infra/app.ts";
import { customWebOrigin, testApp } from "./synth.ts";

/**
 * CloudFormation refuses a template of more than 500 resources (or 200 parameters, or 200 outputs), and says so
 * only at `cdk deploy`. The budget here is 450 resources a template, so the next route or function learns it
 * here first, with every template's count in the message: move a group of resources into a nested stack of its
 * own, as the monitoring is (docs/architecture.md#stacks).
 */
const limits = { resources: 450, parameters: 200, outputs: 200 };

let counts: Array<{ template: string; shape: string } & Record<keyof typeof limits, number>>;

beforeAll(() => {
  // Both shapes of a deployment (on the distribution's own domain, or a domain of its own), with an alarm e-mail.
  const shapes = { "distribution's domain": {}, "own domain": { webOrigin: customWebOrigin } };
  counts = Object.entries(shapes).flatMap(([shape, context]) => {
    const app = testApp({ ...context, alarmEmail: "operations@pin.example.org" });
    definePinService(app);
    app.synth();
    return app.node
      .findAll()
      .filter(Stack.isStack)
      .map((stack) => {
        const template = Template.fromStack(stack).toJSON();
        const size = (section: string) => Object.keys(template[section] ?? {}).length;
        return {
          template: stack.node.path,
          shape,
          resources: size("Resources"),
          parameters: size("Parameters"),
          outputs: size("Outputs"),
        };
      });
  });
});

describe("CloudFormation template limits", () => {
  it("synthesises the data, service and edge stacks and the service's nested monitoring stack", () => {
    const templates = ["Pin-dev-Data", "Pin-dev-Edge", "Pin-dev-Service", "Pin-dev-Service/Monitoring"];
    expect(counts.map((count) => count.template).sort()).toEqual([...templates, ...templates].sort());
  });

  it.each(Object.keys(limits) as Array<keyof typeof limits>)("keeps every template within %s", (what) => {
    const table = counts.map((count) => `${count.template} (${count.shape}): ${count[what]}`).join(", ");
    const over = counts.filter((count) => count[what] > limits[what]);
    expect(over, `${what} per template (at most ${limits[what]}): ${table}`).toEqual([]);
  });
});
