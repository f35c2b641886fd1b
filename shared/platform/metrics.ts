import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type middy from "@middy/core";

/**
 * The service's business metrics (SPEC §13), in CloudWatch's embedded metric format through Powertools Metrics:
 * a JSON line on stdout that CloudWatch Logs turns into metrics, with no API call on the request path.
 * Every metric is a count in namespace `PinService` with dimension `service`, and `channel` where one applies.
 * Names, dimensions and values only: never a codice fiscale, contact, id or secret (there is no way to pass one).
 */
export const METRICS_NAMESPACE = "PinService";
export const METRICS_SERVICE = "pin-service";

export const metricNames = [
  "PinRequested",
  "PinIssued",
  "PartASendFailed",
  "LoginSucceeded",
  "LoginFailed",
  "CredentialLocked",
  "CredentialBlocked",
  "PinChanged",
  "RecoveryCompleted",
  "RevocationCompleted",
  "LettersPrinted",
  "LetterBatchFailed",
  "NoticeDelivered",
  "NoticeFailed",
  "PhonePinIssued",
  "ConversionDecided",
  "AppointmentBooked",
  "PasskeyLogin",
] as const;

export type MetricName = (typeof metricNames)[number];

/** The one dimension besides `service`: the channel a message went on, or the one a request came through. */
export type MetricChannel =
  | "sms"
  | "email"
  | "pec"
  | "letter"
  | "online"
  | "contact-center"
  | "branch"
  | "back-office";

export const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/**
 * Counts one event (or `count` of them; zero records that a run happened with nothing to count). Call it once
 * the event's write has committed, never before: a metric counts what happened. Without a channel the count joins the invocation's buffer, which `publishMetrics`
 * flushes as one line when the handler ends; with one it is written at once on a line of its own, so that
 * concurrent invocations in one process (the local stack) never mix their dimensions.
 */
export function countMetric(
  name: MetricName,
  options: { channel?: MetricChannel; count?: number } = {},
): void {
  const count = options.count ?? 1;
  if (options.channel === undefined) {
    metrics.addMetric(name, MetricUnit.Count, count);
    return;
  }
  const single = metrics.singleMetric();
  // Two dimension sets on the one line: per channel, and `service` alone, which alarms and the dashboard read.
  single.addDimensions({});
  single.addDimension("channel", options.channel);
  single.addMetric(name, MetricUnit.Count, count);
}

/**
 * The middy step every handler uses: flushes what the invocation counted when it ends, with or without an
 * error. Powertools' `logMetrics` does the same but warns on every invocation that counted nothing; most count
 * nothing (a health check, a read), so this flushes only when there is something to flush.
 */
export function publishMetrics(): middy.MiddlewareObj {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}
