-- Planning an alert reads the recipient's earliest pending notification
-- (their open alert group, if any). In this order the index answers with
-- one row, instead of sorting every notification the recipient has, which
-- at the reference load means thousands of digest entries per account
-- manager.
CREATE INDEX notifications_recipient_due ON notifications (recipient, state, due_at);
