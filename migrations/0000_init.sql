CREATE TABLE `heartbeats` (
	`name` text PRIMARY KEY NOT NULL,
	`last_run_at` integer NOT NULL,
	`runs` integer DEFAULT 0 NOT NULL
);
