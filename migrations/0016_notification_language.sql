ALTER TABLE `notification_channels` ADD `language` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
-- Take-profit closes were reported as stop-loss hits before take_profit_hit existed: channels that took those keep hearing of them.
UPDATE `notification_channels` SET `events` = json_insert(`events`, '$[#]', 'take_profit_hit')
 WHERE EXISTS (SELECT 1 FROM json_each(`events`) WHERE value = 'stop_loss_hit')
   AND NOT EXISTS (SELECT 1 FROM json_each(`events`) WHERE value = 'take_profit_hit');
