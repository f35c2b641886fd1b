// What a Lambda bundle holds in place of the AWS SDK's other credential providers (PinFunction's esbuild
// `--alias`, see infra/constructs/pin-function.ts). The SDK's default chain reads the environment first
// (fromEnv), which is where Lambda puts the execution role's credentials, so it never goes further. Should it
// ever go further (no AWS_ACCESS_KEY_ID, or an AWS_PROFILE set), it imports this module instead of the SSO, INI,
// process, web-identity, container or instance-metadata provider, and the call fails with this error rather
// than with whatever a provider from elsewhere would do.
throw new Error(
  "This function's bundle has no AWS credential provider other than environment variables " +
    `(AWS_ACCESS_KEY_ID ${process.env.AWS_ACCESS_KEY_ID ? "set" : "not set"}, ` +
    `AWS_PROFILE ${process.env.AWS_PROFILE ? "set" : "not set"}): see infra/constructs/pin-function.ts`,
);
