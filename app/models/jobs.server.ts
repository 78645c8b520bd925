import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { type MailTransport, getMailTransport } from '#app/utils/mailer.server.ts'
import { lapseCommitments } from './commitment.server.ts'
import { remindInterviewDeadlines } from './interview.server.ts'
import { pruneLoginAttempts } from './login-throttle.server.ts'
import { expireNeeds } from './need.server.ts'
import { sendPendingEmails } from './notification.server.ts'
import { expireOffers } from './offer.server.ts'
import { sendCommitmentReminders } from './reminders.server.ts'
import { refreshPlannerStatistics } from '#app/utils/db.server.ts'

/**
 * The periodic housekeeping. Every step is a conditional update or delete, or an insert guarded
 * by a unique key, so two runners at once (two server processes, or `npm run jobs` beside a
 * server) do no harm: a row changes once, a reminder and an email go out once.
 * `mailer` defaults to the SMTP transport from the environment (null, email off, without SMTP_HOST).
 */
export async function runPeriodicJobs(db: Kysely<DB>, now = Date.now(), options: { mailer?: MailTransport | null } = {}) {
	const expiredNeeds = await expireNeeds(db, now)
	const expiredOffers = await expireOffers(db, now)
	// Pledges the village left unanswered past their lapse date (guarded updates: safe twice).
	const lapsedCommitments = await lapseCommitments(db, now)
	await pruneLoginAttempts(db, now)
	const sessions = await db.deleteFrom('session').where('expiresAt', '<=', now).executeTakeFirst()
	// Reminders first, so this run's reminders are emailed in the same run.
	const reminders = await sendCommitmentReminders(db, now)
	const interviewDeadlineReminders = await remindInterviewDeadlines(db, now)
	const mailer = options.mailer === undefined ? getMailTransport() : options.mailer
	const emails = await sendPendingEmails(db, mailer, now)
	await refreshPlannerStatistics(db)
	return {
		expiredNeeds,
		expiredOffers,
		lapsedCommitments,
		expiredSessions: Number(sessions.numDeletedRows),
		dueSoonReminders: reminders.dueSoon,
		overdueReminders: reminders.overdue,
		interviewDeadlineReminders,
		emailsSent: emails.sent,
		emailsFailed: emails.failed,
	}
}
