import type { TaskEvent, TaskState } from './state-types.js';

const maxEvents = 10;

/** Go's zero time.Time as JSON: TaskState's LastRestart/StartedAt/FinishedAt are values, never null. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** A task event with every deprecated per-reason field present, as Nomad's JSON has them. */
export function makeTaskEvent(type: string, displayMessage: string, extra: Partial<TaskEvent> = {}): TaskEvent {
  return {
    Type: type,
    Time: Date.now() * 1e6,
    DisplayMessage: displayMessage,
    Details: {},
    Message: '',
    FailsTask: false,
    RestartReason: '',
    DriverError: '',
    DriverMessage: '',
    ExitCode: 0,
    Signal: 0,
    KillReason: '',
    KillError: '',
    SetupError: '',
    ValidationError: '',
    DownloadError: '',
    ...extra,
  };
}

/** A fresh task state for a just-placed allocation. */
export function makePendingTaskState(): TaskState {
  return {
    State: 'pending',
    Failed: false,
    Restarts: 0,
    LastRestart: ZERO_TIME,
    StartedAt: ZERO_TIME,
    FinishedAt: ZERO_TIME,
    Events: [],
  };
}

/** Appends an event, keeping Nomad's last ten. */
export function appendTaskEvent(state: TaskState, event: TaskEvent): void {
  state.Events.push(event);
  if (state.Events.length > maxEvents) state.Events.splice(0, state.Events.length - maxEvents);
}
