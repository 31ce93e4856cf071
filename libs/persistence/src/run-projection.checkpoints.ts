/** Rows of `projection_checkpoints` that the run views keep. */

/** Checkpoint name of the run read models: the last stream sequence written. */
export const RUN_PROJECTION_CHECKPOINT = 'runs';

/** The row holding the last replay's target sequence (its `updated_at`: when it began). */
export const replayTargetName = (checkpointName: string): string => `${checkpointName}.replay-target`;

/** The row counting the events written since the views were emptied (in its `last_seq`). */
export const eventCountName = (checkpointName: string): string => `${checkpointName}.events`;
