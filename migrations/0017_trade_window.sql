ALTER TABLE `portfolio_orders` ADD `fills_complete` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `portfolio_orders_trades_idx` ON `portfolio_orders` (`portfolio_id`,`symbol`,`fills_complete`);--> statement-breakpoint
CREATE INDEX `portfolio_orders_symbol_updated_idx` ON `portfolio_orders` (`portfolio_id`,`symbol`,`updated_at`);--> statement-breakpoint
CREATE INDEX `portfolio_fills_symbol_time_idx` ON `portfolio_fills` (`portfolio_id`,`symbol`,`time`);