import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type FunctionDefinition, type FunctionName, functionDefinitions } from "#shared/functions";
import { lambdaContext } from "./events.ts";

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const loaded = new Map<FunctionName, Promise<Handler>>();

/** The module CDK deploys for `name`: the same entry file, the same exported `handler`. */
export function entryPath(name: FunctionName): string {
  return resolve(import.meta.dirname, "..", functionDefinitions[name].entry);
}

function load(name: FunctionName): Promise<Handler> {
  let handler = loaded.get(name);
  if (!handler) {
    handler = import(pathToFileURL(entryPath(name)).href).then(
      (module: { handler: Handler }) => module.handler,
    );
    loaded.set(name, handler);
  }
  return handler;
}

/** Invokes a function as Lambda would: its handler, a fresh context with the function's timeout and memory. */
export async function invoke(name: FunctionName, event: unknown): Promise<unknown> {
  const definition: FunctionDefinition = functionDefinitions[name];
  const handler = await load(name);
  // A Lambda gets a CPU of its own; locally every function shares the machine, so tests that load it heavily
  // may stretch the deadline (PIN_LOCAL_TIMEOUT_SCALE, default 1: the deployed timeouts).
  const scale = Number(process.env.PIN_LOCAL_TIMEOUT_SCALE ?? 1) || 1;
  const timeout = (definition.timeoutSeconds ?? 10) * scale;
  return handler(event, lambdaContext(name, timeout, definition.memorySize ?? 512));
}
