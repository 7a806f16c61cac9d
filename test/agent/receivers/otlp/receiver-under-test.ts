// Builds the otlp receiver the way the pipeline does (factory + its own schema), on port 0, with
// a recording sink as `next`, and starts it.
import pino from 'pino';
import { createManualTime } from '../../../../agent/core/clock.ts';
import otlpReceiverFactory, { type OtlpReceiver } from '../../../../agent/receivers/otlp/index.ts';
import { createBatchSink, type BatchSink } from '../../../support/batch-sink.ts';
import { makeServices } from '../../../support/component-context.ts';

export interface ReceiverUnderTest {
  receiver: OtlpReceiver;
  sink: BatchSink;
  /** e.g. http://127.0.0.1:41234 */
  httpUrl: string;
  /** e.g. 127.0.0.1:41235 */
  grpcTarget: string;
  stop(): Promise<void>;
}

export interface ReceiverOptions {
  http?: Record<string, unknown> | false;
  grpc?: Record<string, unknown> | false;
  memory_limit_mib?: number;
}

export function buildReceiver(
  options: ReceiverOptions = {},
  sink: BatchSink = createBatchSink(),
  logger = pino({ level: 'silent' }),
): { receiver: OtlpReceiver; sink: BatchSink } {
  const protocols: Record<string, unknown> = {};
  if (options.http !== false) protocols.http = { endpoint: '127.0.0.1:0', ...options.http };
  if (options.grpc !== false) protocols.grpc = { endpoint: '127.0.0.1:0', ...options.grpc };
  const config = otlpReceiverFactory.configSchema.parse({
    protocols,
    ...(options.memory_limit_mib === undefined ? {} : { memory_limit_mib: options.memory_limit_mib }),
  });
  const time = createManualTime(0);
  const receiver = otlpReceiverFactory.create(config, {
    id: 'otlp',
    logger,
    clock: time.clock,
    scheduler: time.scheduler,
    ...makeServices(),
    next: sink.next,
  });
  return { receiver: receiver as OtlpReceiver, sink };
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<ReceiverUnderTest> {
  const { receiver, sink } = buildReceiver(options);
  await receiver.start();
  const { http, grpc } = receiver.addresses();
  return {
    receiver,
    sink,
    httpUrl: http ? `http://127.0.0.1:${http.port}` : '',
    grpcTarget: grpc ? `127.0.0.1:${grpc.port}` : '',
    stop: () => receiver.shutdown(),
  };
}
