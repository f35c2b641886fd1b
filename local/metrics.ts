/**
 * What CloudWatch would make of the functions' embedded-metric-format lines, locally: the functions run in this
 * process and Powertools Metrics writes each flush as one JSON line on stdout, so a tap on stdout reads those
 * lines (and passes everything through) and sums each metric per dimension set since start.
 */

export interface MetricSum {
  name: string;
  dimensions: Record<string, string>;
  sum: number;
}

interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string }[];
}

export class MetricSums {
  readonly #sums = new Map<string, MetricSum & { namespace: string }>();

  /** Adds one EMF document; anything else is ignored. */
  add(document: unknown): void {
    if (typeof document !== "object" || document === null || !("_aws" in document)) return;
    const values = document as Record<string, unknown>;
    const directives = (values._aws as { CloudWatchMetrics?: EmfDirective[] }).CloudWatchMetrics ?? [];
    for (const directive of directives) {
      for (const metric of directive.Metrics) {
        const raw = values[metric.Name];
        const sum = (Array.isArray(raw) ? raw : [raw])
          .map(Number)
          .filter(Number.isFinite)
          .reduce((a, b) => a + b, 0);
        for (const names of directive.Dimensions) {
          const dimensions = Object.fromEntries(names.map((n) => [n, String(values[n])]));
          const key = JSON.stringify([directive.Namespace, metric.Name, dimensions]);
          const entry = this.#sums.get(key) ?? {
            namespace: directive.Namespace,
            name: metric.Name,
            dimensions,
            sum: 0,
          };
          entry.sum += sum;
          this.#sums.set(key, entry);
        }
      }
    }
  }

  /** Every metric and dimension set seen, by name then dimensions. */
  list(): (MetricSum & { namespace: string })[] {
    return [...this.#sums.values()].sort(
      (a, b) =>
        a.name.localeCompare(b.name) ||
        JSON.stringify(a.dimensions).localeCompare(JSON.stringify(b.dimensions)),
    );
  }

  clear(): void {
    this.#sums.clear();
  }
}

/** Taps stdout for EMF lines into `sums`; returns the function that removes the tap. */
export function captureMetrics(sums: MetricSums, stream: NodeJS.WriteStream = process.stdout): () => void {
  const write = stream.write.bind(stream);
  let partial = "";
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = partial + (typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
    const lines = text.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.startsWith('{"_aws"')) continue;
      try {
        sums.add(JSON.parse(line));
      } catch {
        // Not JSON after all: a log line that happens to start alike.
      }
    }
    return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof stream.write;
  return () => {
    stream.write = write;
  };
}
