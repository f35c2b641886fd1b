import type { TestProject } from "vitest/node";
import { startDynamoDb } from "../../local/dynamodb.ts";
import { freePort } from "../../local/ports.ts";

declare module "vitest" {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

/** One in-memory DynamoDB Local for the integration run; stopped (Java exited) when the run ends. */
export default async function setup(project: TestProject) {
  const dynamodb = await startDynamoDb({ port: await freePort() });
  project.provide("dynamodbEndpoint", dynamodb.endpoint);
  return () => dynamodb.stop();
}
