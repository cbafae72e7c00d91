-- Lookups the pages make by recipient and by month, found by the load test (issue 12): a
-- recipient's assistants and one month's reports were scans of the municipality.
CREATE INDEX assignments_by_recipient ON assignments (tenant_id, recipient_id);
CREATE INDEX month_reports_by_month ON month_reports (tenant_id, month);
