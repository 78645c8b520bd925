import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
// A static import rather than the i18n module's import.meta.glob, so `npm run jobs` (tsx, no
// Vite) can load the email templates too.
import enMessages from '#app/locales/en/notification.json' with { type: 'json' }
import zhMessages from '#app/locales/zh-CN/notification.json' with { type: 'json' }
import { getEnv } from '#app/utils/env.server.ts'
import { newId } from '#app/utils/id.ts'
import type { MailTransport } from '#app/utils/mailer.server.ts'

/** What a notification is about; each has a message `notification.kind.<kind>` in the locales. */
export const NOTIFICATION_KINDS = [
	'commitment_new', // a provider committed to my village's need
	'commitment_accepted',
	'commitment_declined',
	'commitment_withdrawn',
	'commitment_due_soon', // due in 3 days
	'commitment_overdue',
	'commitment_delivered',
	'commitment_verified',
	'commitment_disputed',
	'commitment_lapsed',
	'milestone_reported',
	'milestone_confirmed',
	'interview_recorded', // an official recorded a 约谈 interview with my org
	'interview_deadline', // the rectification deadline of an open interview has come
	'accountability_recorded', // a 问责 record names my org
	'objection_filed', // an objection to a nomination in my campaign, during the notice period
	'award_granted', // my org (or its member) is on the honor roll
	'login_locked', // my account was locked after repeated failed log-ins
] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

export type NotifyInput = {
	/** Every member of these orgs is told (verified or not: they may need to know why). */
	orgIds?: string[]
	accountIds?: string[]
	kind: NotificationKind
	entityType: string
	entityId: string
	/** Interpolation values for the message, e.g. { title, amount }. */
	params?: Record<string, string | number>
	/** Sent at most once per key (reminders); a repeat is silently skipped. */
	dedupeKey?: string
	/** Not told about their own action. */
	exceptAccountId?: string
}

/**
 * Adds a notification to each recipient's inbox. Call it inside the transaction that makes the
 * change, so a rolled-back change tells nobody. Returns how many were added.
 */
export async function notify(db: Kysely<DB>, input: NotifyInput, now = Date.now()): Promise<number> {
	const recipients = new Set(input.accountIds ?? [])
	if (input.orgIds?.length) {
		const members = await db.selectFrom('membership').select('accountId').where('orgId', 'in', input.orgIds).execute()
		for (const m of members) recipients.add(m.accountId)
	}
	if (input.exceptAccountId) recipients.delete(input.exceptAccountId)
	let added = 0
	for (const accountId of [...recipients].sort()) {
		const dedupeKey = input.dedupeKey ? `${input.dedupeKey}:${accountId}`.slice(0, 120) : null
		if (dedupeKey) {
			const seen = await db.selectFrom('notification').select('id').where('dedupeKey', '=', dedupeKey).executeTakeFirst()
			if (seen) continue
		}
		try {
			await db
				.insertInto('notification')
				.values({
					id: newId(now),
					accountId,
					kind: input.kind,
					entityType: input.entityType,
					entityId: input.entityId,
					params: JSON.stringify(input.params ?? {}),
					dedupeKey,
					readAt: null,
					emailedAt: null,
					createdAt: now,
				})
				.execute()
			added++
		} catch (error) {
			// Two job runners racing on the same reminder: the unique key lets one through.
			const e = error as { code?: string; message?: string }
			if (dedupeKey && (e.code === 'ER_DUP_ENTRY' || /UNIQUE constraint failed/.test(e.message ?? ''))) continue
			throw error
		}
	}
	return added
}

export const INBOX_PAGE_SIZE = 20
// Far past any real page; keeps a hand-typed ?page= from asking for a huge offset.
const MAX_PAGE = 5000

/** Where a notification leads: the page of the thing it is about, or null for an unknown type. */
export function notificationHref(entityType: string, entityId: string): string | null {
	const base = (
		{ commitment: '/commitments', need: '/needs', offer: '/offers', account: '/settings', interview: '/supervision/interviews', accountability: '/supervision/accountability', campaign: '/commendations', award: '/honors/certificates' } as Record<
			string,
			string | undefined
		>
	)[entityType]
	return base ? `${base}/${encodeURIComponent(entityId)}` : null
}

export type NotificationParams = Record<string, string | number>

function parseParams(json: string): NotificationParams {
	try {
		const value: unknown = JSON.parse(json)
		if (!value || typeof value !== 'object' || Array.isArray(value)) return {}
		return Object.fromEntries(Object.entries(value).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number'))
	} catch {
		return {}
	}
}

export type InboxRow = {
	id: string
	kind: string
	entityType: string
	entityId: string
	params: NotificationParams
	href: string | null
	unread: boolean
	createdAt: number
}

/** One page (20) of the account's notifications, newest first, with the total for the filter. */
export async function listInbox(db: Kysely<DB>, accountId: string, options: { unreadOnly?: boolean; page?: number } = {}) {
	let base = db.selectFrom('notification').where('accountId', '=', accountId)
	if (options.unreadOnly) base = base.where('readAt', 'is', null)
	const counted = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
	const total = Number(counted.n)
	const pages = Math.max(1, Math.ceil(total / INBOX_PAGE_SIZE))
	// A page past the end (rows marked read under the unread filter) shows the last page instead.
	const page = Math.min(Math.max(Math.floor(options.page ?? 1) || 1, 1), pages, MAX_PAGE)
	const rows = await base
		.select(['id', 'kind', 'entityType', 'entityId', 'params', 'readAt', 'createdAt'])
		.orderBy('createdAt', 'desc')
		.orderBy('id', 'desc')
		.limit(INBOX_PAGE_SIZE)
		.offset((page - 1) * INBOX_PAGE_SIZE)
		.execute()
	return {
		rows: rows.map(
			(r): InboxRow => ({
				id: r.id,
				kind: r.kind,
				entityType: r.entityType,
				entityId: r.entityId,
				params: parseParams(r.params),
				href: notificationHref(r.entityType, r.entityId),
				unread: r.readAt === null,
				createdAt: Number(r.createdAt),
			}),
		),
		total,
		page,
		pages,
		pageSize: INBOX_PAGE_SIZE,
	}
}

export async function countUnread(db: Kysely<DB>, accountId: string): Promise<number> {
	const row = await db
		.selectFrom('notification')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('accountId', '=', accountId)
		.where('readAt', 'is', null)
		.executeTakeFirstOrThrow()
	return Number(row.n)
}

/**
 * Marks the given notifications (or all) of this account read. Ids of other accounts' rows are
 * ignored: the account is part of the where. Returns how many rows changed.
 */
export async function markRead(db: Kysely<DB>, accountId: string, ids: readonly string[] | 'all', now = Date.now()): Promise<number> {
	if (ids !== 'all' && ids.length === 0) return 0
	let query = db.updateTable('notification').set({ readAt: now }).where('accountId', '=', accountId).where('readAt', 'is', null)
	if (ids !== 'all') query = query.where('id', 'in', [...ids])
	const result = await query.executeTakeFirst()
	return Number(result.numUpdatedRows)
}

// Email subjects and bodies come from the same locale files as the interface.
type NotificationMessages = (typeof zhMessages)['notification']
const MESSAGES: Record<'zh-CN' | 'en', NotificationMessages> = { 'zh-CN': zhMessages.notification, en: enMessages.notification }

function interpolate(template: string, values: Record<string, string | number>): string {
	return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, key: string) => (values[key] === undefined ? '' : String(values[key])))
}

/** The notification's message in `locale` (zh-CN unless English), as the inbox shows it. */
export function renderNotification(locale: string, kind: string, params: NotificationParams): string {
	const messages = MESSAGES[locale.startsWith('en') ? 'en' : 'zh-CN']
	const template = (messages.kind as Record<string, string | undefined>)[kind]
	return template ? interpolate(template, params) : interpolate(messages.inbox.unknown_kind, { kind })
}

/** Email is for what happened lately; older unsent notifications stay in the inbox only. */
export const EMAIL_WINDOW_MS = 7 * 86_400_000
const EMAIL_BATCH = 100

/**
 * Emails each notification not yet emailed and created in the last 7 days to its account, in the
 * account's language. Each row is claimed (emailed_at set where still null) before its mail is
 * sent, so two runners never both send it; a failed send releases the claim for the next run.
 * With no transport (email off) nothing is attempted.
 */
export async function sendPendingEmails(
	db: Kysely<DB>,
	transport: MailTransport | null,
	now = Date.now(),
	options: { appUrl?: string } = {},
): Promise<{ sent: number; failed: number }> {
	let sent = 0
	let failed = 0
	if (!transport) return { sent, failed }
	const appUrl = (options.appUrl ?? getEnv().appUrl).replace(/\/+$/, '')
	let after = ''
	for (;;) {
		const batch = await db
			.selectFrom('notification')
			.innerJoin('account', 'account.id', 'notification.accountId')
			.select([
				'notification.id',
				'notification.kind',
				'notification.entityType',
				'notification.entityId',
				'notification.params',
				'account.email',
				'account.displayName',
				'account.locale',
			])
			.where('notification.emailedAt', 'is', null)
			.where('notification.createdAt', '>', now - EMAIL_WINDOW_MS)
			.where('notification.id', '>', after)
			.orderBy('notification.id')
			.limit(EMAIL_BATCH)
			.execute()
		if (!batch.length) break
		after = batch[batch.length - 1].id
		for (const n of batch) {
			const claim = await db.updateTable('notification').set({ emailedAt: now }).where('id', '=', n.id).where('emailedAt', 'is', null).executeTakeFirst()
			if (Number(claim.numUpdatedRows) !== 1) continue
			const messages = MESSAGES[n.locale.startsWith('en') ? 'en' : 'zh-CN']
			const message = renderNotification(n.locale, n.kind, parseParams(n.params))
			const values = {
				name: n.displayName,
				message,
				url: `${appUrl}${notificationHref(n.entityType, n.entityId) ?? '/inbox'}`,
				inbox: `${appUrl}/inbox`,
			}
			try {
				await transport.sendMail({
					to: n.email,
					subject: interpolate(messages.email.subject, values).replace(/\s+/g, ' '),
					text: interpolate(messages.email.body, values),
				})
				sent++
			} catch (error) {
				failed++
				await db.updateTable('notification').set({ emailedAt: null }).where('id', '=', n.id).where('emailedAt', '=', now).execute()
				console.warn(`[mail] notification ${n.id} not sent: ${error instanceof Error ? error.message : String(error)}`)
			}
		}
	}
	return { sent, failed }
}
