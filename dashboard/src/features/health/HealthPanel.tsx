import { HealthStatus } from './HealthStatus';
import { useHealth } from './useHealth';

export function HealthPanel() {
  const { state, refresh } = useHealth();
  return <HealthStatus state={state} onRefresh={refresh} />;
}
