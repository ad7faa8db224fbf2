ALTER TABLE `exchange_keys` RENAME COLUMN "base_url" TO "spot_base_url";--> statement-breakpoint
ALTER TABLE `exchange_keys` ADD `linear_base_url` text;--> statement-breakpoint
ALTER TABLE `exchange_keys` ADD `verification_note` text;--> statement-breakpoint
-- Keys saved with one custom base URL used it for every market: keep them working by giving futures the same URL.
UPDATE `exchange_keys` SET `linear_base_url` = `spot_base_url` WHERE `spot_base_url` IS NOT NULL;
