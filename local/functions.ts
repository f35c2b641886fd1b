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
  return handler(event, lambdaContext(name, definition.timeoutSeconds ?? 10, definition.memorySize ?? 512));
}
