import { useCallback, useEffect, useRef, useState } from 'react';

import { getHealth, getReady, type HealthResponse, type ReadyResponse } from '../../api';

export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

export type HealthState =
  | { phase: 'checking' }
  | {
      phase: 'done';
      health: Outcome<HealthResponse>;
      ready: Outcome<ReadyResponse>;
      checkedAt: Date;
    };

/** How often the page checks again on its own. */
export const REFRESH_INTERVAL_MS = 30_000;

/** `/health` and `/ready`, checked on mount, every 30 s and on demand. */
export function useHealth(): { state: HealthState; refresh: () => void } {
  const [state, setState] = useState<HealthState>({ phase: 'checking' });
  const controller = useRef<AbortController | null>(null);

  const refresh = useCallback(() => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setState({ phase: 'checking' });
    void Promise.allSettled([
      getHealth({ signal: current.signal }),
      getReady({ signal: current.signal }),
    ]).then(([health, ready]) => {
      if (!current.signal.aborted) {
        setState({
          phase: 'done',
          health: toOutcome(health),
          ready: toOutcome(ready),
          checkedAt: new Date(),
        });
      }
    });
  }, []);

  useEffect(() => {
    refresh();
    const timer = window.setInterval(refresh, REFRESH_INTERVAL_MS);
    return () => {
      window.clearInterval(timer);
      controller.current?.abort();
    };
  }, [refresh]);

  return { state, refresh };
}

function toOutcome<T>(result: PromiseSettledResult<T>): Outcome<T> {
  if (result.status === 'fulfilled') {
    return { ok: true, value: result.value };
  }
  const reason: unknown = result.reason;
  return { ok: false, reason: reason instanceof Error ? reason.message : String(reason) };
}
