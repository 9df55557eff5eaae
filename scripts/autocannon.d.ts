// autocannon ships no types; this declares only the part scripts/bench.ts uses.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      pipelining?: number;
      timeout?: number;
      headers?: Record<string, string>;
      /**
       * Requests per second over all connections. Not paced evenly: each connection may send its
       * share in every one-second window, back to back from the window's start.
       */
      overallRate?: number;
      /** Requests each connection sends in turn; setupRequest may rewrite each one before it goes. */
      requests?: RequestSpec[];
    }

    interface RequestSpec {
      method?: string;
      path?: string;
      body?: string;
      headers?: Record<string, string>;
      /** `context` is per connection: what one virtual user keeps between its requests (a cookie). */
      setupRequest?: (request: RequestSpec & { headers?: Record<string, string> }, context: Record<string, string>) => RequestSpec;
      onResponse?: (status: number, body: string, context: Record<string, string>, headers: Record<string, string | string[]>) => void;
    }

    /** Summary of an HDR histogram; percentiles are named p50, p97_5, p99 and so on. */
    interface Histogram {
      average: number;
      mean: number;
      stddev: number;
      min: number;
      max: number;
      total: number;
      [percentile: `p${string}`]: number;
    }

    interface Result {
      url: string;
      connections: number;
      duration: number;
      requests: Histogram;
      latency: Histogram;
      throughput: Histogram;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      resets: number;
      statusCodeStats: Record<string, { count: number }>;
    }

    interface Instance extends EventEmitter {
      stop(): void;
      on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
      on(event: 'reqError', listener: (error: Error) => void): this;
      on(event: string, listener: (...args: unknown[]) => void): this;
    }
  }

  function autocannon(options: autocannon.Options, callback: (error: Error | null, result: autocannon.Result) => void): autocannon.Instance;

  export = autocannon;
}
