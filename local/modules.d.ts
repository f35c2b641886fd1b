declare module "s3rver" {
  interface S3rverOptions {
    port?: number;
    address?: string;
    directory?: string;
    silent?: boolean;
    configureBuckets?: Array<{ name: string; configs: unknown[] }>;
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<unknown>;
    close(): Promise<void>;
    /** s3rver is a Koa app; it emits S3-shaped notification events as `event`. */
    on(event: "event", listener: (event: never) => void): this;
  }
}
