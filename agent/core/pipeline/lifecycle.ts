// Ordered shutdown under one deadline: each step runs after the previous one, and a step that
// hangs past the deadline is named in the error instead of hanging the agent.
import { ShutdownTimeoutError } from '../errors.ts';

export interface Stoppable {
  phase: 'receiver' | 'processor' | 'exporter';
  name: string;
  start?: () => Promise<void>;
  stop?: () => Promise<void>;
}

export async function shutdownInOrder(steps: Stoppable[], deadlineMs: number): Promise<void> {
  const deadline = performance.now() + deadlineMs;
  const failures: unknown[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    if (!step.stop) continue;
    const remaining = deadline - performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, remaining));
    });
    try {
      const result = await Promise.race([step.stop().then(() => 'done' as const), timedOut]);
      if (result === 'timeout') {
        throw new ShutdownTimeoutError(
          steps
            .slice(i)
            .filter((s) => s.stop)
            .map((s) => s.name),
          deadlineMs,
        );
      }
    } catch (err) {
      if (err instanceof ShutdownTimeoutError) throw err;
      failures.push(err);
    } finally {
      clearTimeout(timer);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} component(s) failed to shut down cleanly.`);
}
