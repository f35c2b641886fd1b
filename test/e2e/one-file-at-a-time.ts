import { afterAll, beforeAll, inject } from "vitest";
import { holdStackLock } from "./stack-lock.ts";

/**
 * A setup file of the e2e and browser projects: the test file holds its stack's lock (test/e2e/stack-lock.ts)
 * from before its own hooks to after them, so no other file of the project runs meanwhile.
 */
let release: (() => void) | undefined;
let sharesStack = true;

/**
 * Called at the top of a test file that never touches the project's stack (it starts stacks of its own): the file
 * runs beside the others instead of taking the stack's time.
 */
export function leavesSharedStackAlone(): void {
  sharesStack = false;
}

// The wait is the other files' time on the stack: long, but not endless (a stuck run fails rather than hangs).
beforeAll(async () => {
  if (sharesStack) release = await holdStackLock(inject("stackLock"));
}, 30 * 60_000);

afterAll(() => release?.());
