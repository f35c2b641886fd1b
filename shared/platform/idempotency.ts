import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { Context } from "aws-lambda";
import { required } from "./config.ts";
import { AppError } from "./errors.ts";
import type { HttpRequest } from "./http.ts";
import { IDEMPOTENCY_KEY } from "./idempotency-key.ts";

export { IDEMPOTENCY_KEY };

import { randomId } from "./random.ts";

/** The request's `Idempotency-Key` header, validated; undefined when absent. */
export function idempotencyKeyOf(request: Pick<HttpRequest<unknown>, "headers">): string | undefined {
  const key = request.headers["idempotency-key"];
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new AppError(
      400,
      "validation-failed",
      "Validation failed",
      "Idempotency-Key must be 8-128 of A-Z a-z 0-9 . _ : -",
      {
        errors: [{ path: "headers.idempotency-key", message: "8-128 characters of A-Z a-z 0-9 . _ : -" }],
      },
    );
  }
  return key;
}

/**
 * Wraps an operation with Powertools idempotency, keyed by the client's `Idempotency-Key` and stored in the
 * service table (24 h). A retry with the same key and body gets the first answer without running the
 * operation again; the same key with another body is a 422; a retry while the first is still running is a 409.
 * A failed operation leaves no record, so its retry runs afresh. Results must hold no secret: they are stored.
 */
export function idempotent<I, O>(scope: string, operation: (input: I) => Promise<O>) {
  const run = idempotentWithUnstored(scope, async (input: I) => ({ result: await operation(input) }));
  return async (idempotencyKey: string | undefined, input: I, context?: Context): Promise<O> =>
    (await run(idempotencyKey, input, context)).result;
}

/**
 * As `idempotent`, for an operation that also hands back something that must never be stored (part A read
 * out by a contact-center operator): `unstored` reaches the caller of the first execution only; a replay
 * answers the stored `result` alone.
 */
export function idempotentWithUnstored<I, O, U>(
  scope: string,
  operation: (input: I) => Promise<{ result: O; unstored?: U }>,
) {
  // Handed from inside the idempotent execution to its caller, keyed per call, never persisted.
  const unstoredByCall = new Map<string, U>();
  let wrapped: ((args: { idempotencyKey: string; input: I; callId: string }) => Promise<O>) | undefined;
  let config: IdempotencyConfig | undefined;
  return async (
    idempotencyKey: string | undefined,
    input: I,
    context?: Context,
  ): Promise<{ result: O; unstored?: U }> => {
    if (idempotencyKey === undefined) return operation(input);
    config ??= new IdempotencyConfig({
      eventKeyJmesPath: "idempotencyKey",
      payloadValidationJmesPath: "input",
      expiresAfterSeconds: 24 * 60 * 60,
    });
    // The in-progress record expires with the invocation, so a crashed attempt does not block retries for long.
    if (context) config.registerLambdaContext(context);
    wrapped ??= makeIdempotent(
      async (args: { idempotencyKey: string; input: I; callId: string }) => {
        const { result, unstored } = await operation(args.input);
        if (unstored !== undefined) unstoredByCall.set(args.callId, unstored);
        return result;
      },
      {
        persistenceStore: new DynamoDBPersistenceLayer({
          tableName: required("TABLE_NAME"),
          keyAttr: "pk",
          sortKeyAttr: "sk",
          staticPkValue: `IDEMPOTENCY#${scope}`,
          expiryAttr: "ttl",
        }),
        config,
      },
    );
    const callId = randomId();
    try {
      const result = await wrapped({ idempotencyKey, input, callId });
      return { result, unstored: unstoredByCall.get(callId) };
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw new AppError(
          422,
          "idempotency-key-reused",
          "Idempotency-Key reused",
          "This Idempotency-Key was already used with a different request body.",
        );
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new AppError(
          409,
          "request-in-progress",
          "Request in progress",
          "The same request is still being processed.",
          {
            headers: { "retry-after": "2" },
          },
        );
      }
      throw error;
    } finally {
      unstoredByCall.delete(callId);
    }
  };
}
