import { serveTasks } from '../task-thread.js';
import { type StatusJobsResult, type StatusJobsTask, tallyJobLists } from './status-jobs.js';

// The worker thread that builds the /status jobs table (started by status.ts through createTaskThread): the
// decode of a 40,000-job list stalled the event loop the Slack receiver shares for ~0.7 s (issue 17 item 7).
serveTasks<StatusJobsTask, StatusJobsResult>(tallyJobLists);
