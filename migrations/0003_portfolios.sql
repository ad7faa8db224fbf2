CREATE TABLE `portfolios` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`exchange_key_id` text NOT NULL,
	`venue` text NOT NULL,
	`name` text NOT NULL,
	`market` text NOT NULL,
	`cash_token` text NOT NULL,
	`tokens` text NOT NULL,
	`review_interval` text NOT NULL,
	`decision_provider` text NOT NULL,
	`model` text,
	`instructions` text DEFAULT '' NOT NULL,
	`execution_mode` text NOT NULL,
	`paper` integer DEFAULT false NOT NULL,
	`position_mode` text,
	`margin_mode` text,
	`max_leverage` integer,
	`max_order_pct` text,
	`max_exposure_pct` text,
	`max_daily_loss_pct` text,
	`max_drawdown_pct` text,
	`status` text NOT NULL,
	`status_reason` text,
	`starting_equity` text,
	`started_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `portfolios_user_created_idx` ON `portfolios` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `portfolios_key_status_idx` ON `portfolios` (`exchange_key_id`,`status`);