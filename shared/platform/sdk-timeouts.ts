/**
 * Every SDK call is bounded: a connection within a second, and a call that hears nothing from the service for
 * `silentMs` fails with a TimeoutError, which the SDK retries (four attempts in all for DynamoDB, three for the
 * others). The SDK's own default leaves a silent socket waiting five minutes, far past any function's timeout.
 */
export const bounded = (silentMs: number) => ({
  requestHandler: { connectionTimeout: 1_000, socketTimeout: silentMs },
});
