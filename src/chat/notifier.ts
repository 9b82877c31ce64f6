/** The notifier port is defined next to the Report (workers use it without knowing the platform). */
export type {
  DeliveryLimits,
  DetailPart,
  MessageRef,
  Notifier,
  NotifyTarget,
  PartContext,
  RespondRef,
} from '../report/notifier.js';
