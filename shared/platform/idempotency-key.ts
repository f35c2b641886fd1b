/**
 * What an `Idempotency-Key` may be; also stated in the OpenAPI document. A module of its own: idempotency.ts
 * brings Powertools' DynamoDB persistence layer, and with it the DynamoDB client, into whatever imports it.
 */
export const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{8,128}$/;
