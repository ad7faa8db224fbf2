ALTER TABLE `portfolio_orders` ADD `reason_code` text;--> statement-breakpoint
ALTER TABLE `portfolio_orders` ADD `reason_params` text;--> statement-breakpoint
ALTER TABLE `portfolio_runs` ADD `summary_code` text;--> statement-breakpoint
ALTER TABLE `portfolio_runs` ADD `summary_params` text;--> statement-breakpoint
ALTER TABLE `portfolio_runs` ADD `rationale_messages` text;--> statement-breakpoint
ALTER TABLE `portfolio_runs` ADD `error_message_code` text;--> statement-breakpoint
ALTER TABLE `portfolio_runs` ADD `error_message_params` text;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `status_message_code` text;--> statement-breakpoint
ALTER TABLE `portfolios` ADD `status_message_params` text;