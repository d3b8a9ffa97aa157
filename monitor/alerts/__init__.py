"""Alerts: a new or escalated lead notifies the staff of the enterprise's district.

- `alerter`: grouping per enterprise, deduplication, repeat intervals, the record of each alert
  sent and its acknowledgement;
- `channels`: the ways out (log, SMTP e-mail, webhooks for generic JSON, DingTalk and WeCom robots,
  an MQTT topic).
"""
