import nodemailer from 'nodemailer'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { getMailTransport, type MailMessage, type MailTransport } from '#app/utils/mailer.server.ts'
import { newId } from '#app/utils/id.ts'
import { describeDb } from '#tests/setup/db.ts'
import { actorFor, makeAccount, makeOrg } from '#tests/factories.ts'
import { runPeriodicJobs } from './jobs.server.ts'
import { getNavigation } from './navigation.server.ts'
import {
	EMAIL_WINDOW_MS,
	INBOX_PAGE_SIZE,
	NOTIFICATION_KINDS,
	countUnread,
	listInbox,
	markRead,
	notificationHref,
	notify,
	renderNotification,
	sendPendingEmails,
} from './notification.server.ts'

const HOUR = 3_600_000
const PARAMS = { title: '三河村花椒烘干设备', provider: '杭州兴村农业科技有限公司', amount: '¥120,000' }

/** A transport that records what it was asked to send. */
function fakeTransport(options: { failFor?: string } = {}) {
	const sent: MailMessage[] = []
	const transport: MailTransport = {
		sendMail: async (message) => {
			if (options.failFor && message.to === options.failFor) throw new Error('mailbox unavailable')
			sent.push(message)
			return { messageId: `<${sent.length}@test>` }
		},
	}
	return { transport, sent }
}

describe('notification helpers', () => {
	it('links each entity type to its page', () => {
		expect(notificationHref('commitment', 'C1')).toBe('/commitments/C1')
		expect(notificationHref('need', 'N1')).toBe('/needs/N1')
		expect(notificationHref('offer', 'O1')).toBe('/offers/O1')
		expect(notificationHref('project', 'P1')).toBeNull()
	})

	it('renders every kind in both languages with its params', () => {
		for (const kind of NOTIFICATION_KINDS) {
			for (const locale of ['zh-CN', 'en']) {
				const supervision = { minutes: 15, ip: '203.0.113.7', official: '县乡村振兴局', subject: '昭觉县', issues: '进度滞后', deadline: '2026-12-31', failure: '未按期交付', campaign: '2026 年度表彰', nominee: '某企业', category: '先进集体', certificate: '2026-CN-001' }
				const text = renderNotification(locale, kind, { ...PARAMS, ...supervision, due: '2026-12-01', milestone: '设备到位' })
				if (kind.startsWith('commitment_') || kind.startsWith('milestone_')) expect(text, `${locale} ${kind}`).toContain(PARAMS.title)
				else if (kind === 'login_locked') expect(text, `${locale} ${kind}`).toContain('203.0.113.7')
				else expect(text, `${locale} ${kind}`).toMatch(/昭觉县|某企业/)
				expect(text).not.toMatch(/\{\{/)
			}
		}
		expect(renderNotification('zh-CN', 'commitment_due_soon', { ...PARAMS, due: '2026-12-01' })).toContain('2026-12-01')
		expect(renderNotification('en', 'something_new', {})).toBe('Notification (something_new)')
	})
})

describeDb('notifications', (ctx) => {
	let ownerA: string
	let memberA: string
	let ownerB: string
	let orgA: string
	let orgB: string

	beforeAll(async () => {
		ownerA = (await makeAccount(ctx.db)).id
		memberA = (await makeAccount(ctx.db)).id
		ownerB = (await makeAccount(ctx.db)).id
		orgA = await makeOrg(ctx.db, 'village', { regionCode: '513431100201', ownerId: ownerA })
		orgB = await makeOrg(ctx.db, 'enterprise', { regionCode: '330100000000', ownerId: ownerB })
		await ctx.db.insertInto('membership').values({ orgId: orgA, accountId: memberA, role: 'member', createdAt: Date.now() }).execute()
	})

	async function rowsFor(accountId: string) {
		return ctx.db.selectFrom('notification').selectAll().where('accountId', '=', accountId).orderBy('id').execute()
	}

	it('fans out to every member of the orgs and to named accounts, except the actor', async () => {
		const loner = (await makeAccount(ctx.db)).id
		const entityId = newId()
		const added = await notify(ctx.db, {
			orgIds: [orgA, orgB],
			accountIds: [loner, ownerB],
			kind: 'commitment_new',
			entityType: 'commitment',
			entityId,
			params: PARAMS,
			exceptAccountId: ownerB,
		})
		expect(added).toBe(3)
		const rows = await ctx.db.selectFrom('notification').select(['accountId', 'kind', 'params', 'readAt', 'emailedAt']).where('entityId', '=', entityId).execute()
		expect(rows.map((r) => r.accountId).sort()).toEqual([ownerA, memberA, loner].sort())
		expect(rows[0]).toMatchObject({ kind: 'commitment_new', readAt: null, emailedAt: null })
		expect(JSON.parse(rows[0].params)).toEqual(PARAMS)
	})

	it('adds a deduplicated notification once per recipient, even when sent twice at once', async () => {
		const entityId = newId()
		const input = { orgIds: [orgA], kind: 'commitment_overdue' as const, entityType: 'commitment', entityId, params: PARAMS, dedupeKey: `overdue:${entityId}` }
		const [a, b] = await Promise.all([notify(ctx.db, input), notify(ctx.db, input)])
		expect(a + b).toBe(2)
		expect(await notify(ctx.db, input)).toBe(0)
		const keys = await ctx.db.selectFrom('notification').select('dedupeKey').where('entityId', '=', entityId).execute()
		expect(keys.map((k) => k.dedupeKey).sort()).toEqual([`overdue:${entityId}:${ownerA}`, `overdue:${entityId}:${memberA}`].sort())
	})

	describe('inbox', () => {
		let reader: string
		let other: string
		const base = Date.UTC(2026, 10, 1)

		beforeAll(async () => {
			reader = (await makeAccount(ctx.db)).id
			other = (await makeAccount(ctx.db)).id
			// 23 for the reader, one hour apart (the last is newest), and 2 for someone else.
			for (let i = 0; i < 23; i++) {
				const entityType = ['commitment', 'need', 'offer'][i % 3]
				await notify(ctx.db, { accountIds: [reader], kind: 'commitment_accepted', entityType, entityId: `E${i}`, params: { ...PARAMS, title: `需求${i}` } }, base + i * HOUR)
			}
			await notify(ctx.db, { accountIds: [other], kind: 'commitment_new', entityType: 'commitment', entityId: 'X1', params: PARAMS }, base)
			await notify(ctx.db, { accountIds: [other], kind: 'commitment_new', entityType: 'commitment', entityId: 'X2', params: PARAMS }, base)
		})

		it('lists the account’s own rows newest first, 20 a page, with total and link targets', async () => {
			const first = await listInbox(ctx.db, reader)
			expect(first).toMatchObject({ total: 23, page: 1, pages: 2, pageSize: INBOX_PAGE_SIZE })
			expect(first.rows).toHaveLength(20)
			expect(first.rows[0]).toMatchObject({ entityId: 'E22', entityType: 'need', href: '/needs/E22', unread: true, createdAt: base + 22 * HOUR })
			expect(first.rows[0].params).toEqual({ ...PARAMS, title: '需求22' })
			expect(first.rows[1].href).toBe('/commitments/E21')
			expect(first.rows[2].href).toBe('/offers/E20')
			const second = await listInbox(ctx.db, reader, { page: 2 })
			expect(second.rows.map((r) => r.entityId)).toEqual(['E2', 'E1', 'E0'])
			// Past the end: the last page.
			expect((await listInbox(ctx.db, reader, { page: 99 })).page).toBe(2)
			expect((await listInbox(ctx.db, reader, { page: -3 })).page).toBe(1)
		})

		it('counts unread, marks only the account’s own rows read, and filters unread', async () => {
			expect(await countUnread(ctx.db, reader)).toBe(23)
			const theirs = (await rowsFor(other))[0]
			const mine = (await listInbox(ctx.db, reader)).rows.slice(0, 2)

			// Another account's id in the list is ignored; it stays unread.
			expect(await markRead(ctx.db, reader, [mine[0].id, mine[1].id, theirs.id], base + 100 * HOUR)).toBe(2)
			expect((await rowsFor(other)).every((r) => r.readAt === null)).toBe(true)
			expect(await markRead(ctx.db, other, [], base)).toBe(0)
			expect(await countUnread(ctx.db, reader)).toBe(21)
			expect(await countUnread(ctx.db, other)).toBe(2)

			const unread = await listInbox(ctx.db, reader, { unreadOnly: true })
			expect(unread).toMatchObject({ total: 21, pages: 2 })
			expect(unread.rows.some((r) => r.id === mine[0].id)).toBe(false)
			const all = await listInbox(ctx.db, reader)
			expect(all.rows[0]).toMatchObject({ id: mine[0].id, unread: false })

			// Marking read again changes nothing (read_at is kept).
			expect(await markRead(ctx.db, reader, [mine[0].id], base + 200 * HOUR)).toBe(0)
			const again = await ctx.db.selectFrom('notification').select('readAt').where('id', '=', mine[0].id).executeTakeFirstOrThrow()
			expect(Number(again.readAt)).toBe(base + 100 * HOUR)

			expect(await markRead(ctx.db, reader, 'all')).toBe(21)
			expect(await countUnread(ctx.db, reader)).toBe(0)
			expect(await countUnread(ctx.db, other)).toBe(2)
			expect((await listInbox(ctx.db, reader, { unreadOnly: true })).rows).toEqual([])
		})

		it('puts the unread count in the header navigation', async () => {
			const nav = await getNavigation(ctx.db, await actorFor(ctx.db, other))
			expect(nav?.unreadCount).toBe(2)
		})
	})

	describe('email', () => {
		const now = Date.UTC(2026, 10, 20, 2)
		let zhAccount: { id: string; email: string; displayName: string }
		let enAccount: { id: string; email: string }
		let ids: { zh: string; en: string; old: string; offer: string }

		afterEach(() => {
			vi.unstubAllEnvs()
			vi.restoreAllMocks()
		})

		beforeAll(async () => {
			const zh = await makeAccount(ctx.db, { displayName: '王村长' })
			const en = await makeAccount(ctx.db)
			await ctx.db.updateTable('account').set({ locale: 'en' }).where('id', '=', en.id).execute()
			zhAccount = { id: zh.id, email: zh.email, displayName: '王村长' }
			enAccount = { id: en.id, email: en.email }
			// Everything else in this database is older than the 7-day window, so only these count.
			await ctx.db.updateTable('notification').set({ emailedAt: 1 }).where('emailedAt', 'is', null).execute()
			await notify(ctx.db, { accountIds: [zh.id], kind: 'commitment_new', entityType: 'commitment', entityId: 'C100', params: PARAMS }, now - HOUR)
			await notify(ctx.db, { accountIds: [en.id], kind: 'commitment_verified', entityType: 'commitment', entityId: 'C101', params: PARAMS }, now - 2 * HOUR)
			await notify(ctx.db, { accountIds: [en.id], kind: 'commitment_lapsed', entityType: 'offer', entityId: 'O100', params: PARAMS }, now - 3 * HOUR)
			await notify(ctx.db, { accountIds: [zh.id], kind: 'commitment_new', entityType: 'commitment', entityId: 'C099', params: PARAMS }, now - EMAIL_WINDOW_MS - HOUR)
			const byEntity = async (entityId: string) => (await ctx.db.selectFrom('notification').select('id').where('entityId', '=', entityId).executeTakeFirstOrThrow()).id
			ids = { zh: await byEntity('C100'), en: await byEntity('C101'), offer: await byEntity('O100'), old: await byEntity('C099') }
		})

		async function emailedAt(id: string) {
			const row = await ctx.db.selectFrom('notification').select('emailedAt').where('id', '=', id).executeTakeFirstOrThrow()
			return row.emailedAt === null ? null : Number(row.emailedAt)
		}

		it('is off without SMTP_HOST: no transport is made, nothing is sent or marked', async () => {
			vi.stubEnv('SMTP_HOST', '')
			const create = vi.spyOn(nodemailer, 'createTransport')
			expect(getMailTransport()).toBeNull()
			expect(getMailTransport({})).toBeNull()
			const result = await runPeriodicJobs(ctx.db, now)
			expect(result).toMatchObject({ emailsSent: 0, emailsFailed: 0 })
			expect(create).not.toHaveBeenCalled()
			expect(await sendPendingEmails(ctx.db, null, now)).toEqual({ sent: 0, failed: 0 })
			for (const id of Object.values(ids)) expect(await emailedAt(id)).toBeNull()
		})

		it('sends one mail per recent notification in the account’s language, once', async () => {
			const { transport, sent } = fakeTransport({ failFor: enAccount.email })
			// The English account's mailbox fails first: its rows are released for the next run.
			const first = await sendPendingEmails(ctx.db, transport, now, { appUrl: 'https://bangfu.example.cn/' })
			expect(first).toEqual({ sent: 1, failed: 2 })
			expect(sent).toHaveLength(1)
			expect(sent[0].to).toBe(zhAccount.email)
			expect(sent[0].subject).toBe(`【帮扶】${renderNotification('zh-CN', 'commitment_new', PARAMS)}`)
			expect(sent[0].text).toContain('王村长，您好')
			expect(sent[0].text).toContain('https://bangfu.example.cn/commitments/C100')
			expect(sent[0].text).toContain('https://bangfu.example.cn/inbox')
			expect(await emailedAt(ids.zh)).toBe(now)
			expect(await emailedAt(ids.en)).toBeNull()

			const working = fakeTransport()
			const later = now + 10 * 60_000
			expect(await sendPendingEmails(ctx.db, working.transport, later, { appUrl: 'https://bangfu.example.cn' })).toEqual({ sent: 2, failed: 0 })
			expect(working.sent.map((m) => m.to)).toEqual([enAccount.email, enAccount.email])
			const verified = working.sent.find((m) => m.text.includes('/commitments/C101'))
			expect(verified?.subject).toBe(`[Bangfu] ${renderNotification('en', 'commitment_verified', PARAMS)}`)
			expect(verified?.text).toMatch(/^Hello /)
			expect(working.sent.some((m) => m.text.includes('https://bangfu.example.cn/offers/O100'))).toBe(true)
			expect(await emailedAt(ids.en)).toBe(later)

			// Nothing left: a second run sends nothing; the notification older than 7 days never goes out.
			expect(await sendPendingEmails(ctx.db, working.transport, later + 60_000)).toEqual({ sent: 0, failed: 0 })
			expect(working.sent).toHaveLength(2)
			expect(await emailedAt(ids.old)).toBeNull()
		})

		it('sends each mail once when two runners go at the same time, through the periodic jobs too', async () => {
			const at = now + HOUR
			const recipients = [zhAccount.id, enAccount.id]
			for (const [i, accountId] of recipients.entries()) {
				await notify(ctx.db, { accountIds: [accountId], kind: 'milestone_reported', entityType: 'commitment', entityId: `M${i}`, params: PARAMS }, at)
			}
			const a = fakeTransport()
			const b = fakeTransport()
			const [ra, rb] = await Promise.all([runPeriodicJobs(ctx.db, at, { mailer: a.transport }), sendPendingEmails(ctx.db, b.transport, at)])
			expect(ra.emailsSent + rb.sent).toBe(2)
			expect([...a.sent, ...b.sent].map((m) => m.to).sort()).toEqual([zhAccount.email, enAccount.email].sort())
		})

		it('works with a real nodemailer transport (jsonTransport, no network)', async () => {
			await notify(ctx.db, { accountIds: [zhAccount.id], kind: 'commitment_overdue', entityType: 'commitment', entityId: 'C200', params: { ...PARAMS, due: '2026-11-01' } }, now + 2 * HOUR)
			const json = nodemailer.createTransport({ jsonTransport: true })
			const infos: Array<{ message: string }> = []
			const transport: MailTransport = { sendMail: async (m) => infos.push(await json.sendMail(m)) }
			expect(await sendPendingEmails(ctx.db, transport, now + 2 * HOUR)).toEqual({ sent: 1, failed: 0 })
			const message = JSON.parse(infos[0].message)
			expect(message).toMatchObject({ to: [{ address: zhAccount.email }] })
			expect(message.subject).toContain('2026-11-01')
			expect(message.text).toContain('http://localhost:3000/commitments/C200')
		})
	})
})
