import { type Branch, branchListSchema } from "#shared/branches/branch.schema";
import { branches } from "#shared/branches/branches";
import { jobDefinitions, scheduleTimeZone } from "#shared/jobs";

/**
 * The branches (shared/branches/branches.ts) as synthesis accepts them: valid by their schema, and every one in
 * the time zone the jobs are scheduled in, since the appointment-reminders job reminds each branch's "tomorrow"
 * at its daily time there. A branch elsewhere would need a schedule of its own: synthesis fails instead.
 */
export function checkBranches(list: readonly unknown[] = branches): Branch[] {
  const parsed = branchListSchema.safeParse(list);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid branches (shared/branches/branches.ts): ${problems.join("; ")}`);
  }
  const reminders = jobDefinitions.find((job) => job.name === "appointment-reminders");
  const elsewhere = parsed.data.filter((branch) => branch.timeZone !== scheduleTimeZone);
  if (!reminders || elsewhere.length > 0) {
    throw new Error(
      `The appointment-reminders job runs in ${scheduleTimeZone}; branches ${elsewhere.map((b) => b.id).join(", ")} are not`,
    );
  }
  return parsed.data;
}
