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

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;

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
  let wrapped: ((args: { idempotencyKey: string; input: I }) => Promise<O>) | undefined;
  let config: IdempotencyConfig | undefined;
  return async (idempotencyKey: string | undefined, input: I, context?: Context): Promise<O> => {
    if (idempotencyKey === undefined) return operation(input);
    config ??= new IdempotencyConfig({
      eventKeyJmesPath: "idempotencyKey",
      payloadValidationJmesPath: "input",
      expiresAfterSeconds: 24 * 60 * 60,
    });
    // The in-progress record expires with the invocation, so a crashed attempt does not block retries for long.
    if (context) config.registerLambdaContext(context);
    wrapped ??= makeIdempotent(async (args: { idempotencyKey: string; input: I }) => operation(args.input), {
      persistenceStore: new DynamoDBPersistenceLayer({
        tableName: required("TABLE_NAME"),
        keyAttr: "pk",
        sortKeyAttr: "sk",
        staticPkValue: `IDEMPOTENCY#${scope}`,
        expiryAttr: "ttl",
      }),
      config,
    });
    try {
      return await wrapped({ idempotencyKey, input });
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
    }
  };
}
