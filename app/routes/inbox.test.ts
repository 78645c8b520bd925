import { beforeAll, describe, expect, it } from 'vitest'
import { notify } from '#app/models/notification.server.ts'
import { makeAccount } from '#tests/factories.ts'
import { requestAs, runRoute, useGlobalTestDb } from '#tests/setup/route.ts'
import { action, loader } from './inbox.tsx'

const ctx = useGlobalTestDb()
const PARAMS = { title: '三河村花椒烘干设备', provider: '杭州兴村农业科技有限公司', amount: '¥120,000' }

async function unreadIds(accountId: string) {
	const rows = await ctx.db.selectFrom('notification').select('id').where('accountId', '=', accountId).where('readAt', 'is', null).orderBy('id').execute()
	return rows.map((r) => r.id)
}

describe('/inbox', () => {
	let reader: string
	let other: string
	let othersId: string

	beforeAll(async () => {
		reader = (await makeAccount(ctx.db)).id
		other = (await makeAccount(ctx.db)).id
		const base = Date.now() - 30 * 3_600_000
		for (let i = 0; i < 22; i++) {
			await notify(ctx.db, { accountIds: [reader], kind: 'commitment_new', entityType: 'commitment', entityId: `C${i}`, params: { ...PARAMS, title: `需求${i}` } }, base + i * 60_000)
		}
		await notify(ctx.db, { accountIds: [other], kind: 'commitment_declined', entityType: 'need', entityId: 'N1', params: PARAMS }, base)
		othersId = (await unreadIds(other))[0]
	})

	it('sends an anonymous visitor to the login page', async () => {
		const res = await runRoute(loader, await requestAs(null, '/inbox?unread=1'))
		expect(res.status).toBe(302)
		expect(res.location).toBe(`/login?redirectTo=${encodeURIComponent('/inbox?unread=1')}`)
		const post = await runRoute(action, await requestAs(null, '/inbox', { form: { intent: 'mark-all' } }))
		expect(post.status).toBe(302)
		expect(post.location).toMatch(/^\/login/)
		expect(await unreadIds(reader)).toHaveLength(22)
	})

	it('lists only the reader’s own notifications, newest first, paged, with links', async () => {
		const res = await runRoute(loader, await requestAs(reader, '/inbox'))
		expect(res.status).toBe(200)
		expect(res.data).toMatchObject({ total: 22, unread: 22, page: 1, pages: 2, unreadOnly: false })
		expect(res.data.rows).toHaveLength(20)
		expect(res.data.rows[0]).toMatchObject({ kind: 'commitment_new', entityId: 'C21', href: '/commitments/C21', unread: true, params: { ...PARAMS, title: '需求21' } })
		expect(res.data.rows.some((r: { entityId: string }) => r.entityId === 'N1')).toBe(false)
		const second = await runRoute(loader, await requestAs(reader, '/inbox?page=2'))
		expect(second.data.rows.map((r: { entityId: string }) => r.entityId)).toEqual(['C1', 'C0'])
	})

	it('marks one row read, ignores another account’s row, and keeps the list state', async () => {
		const [first] = await unreadIds(reader)
		const res = await runRoute(action, await requestAs(reader, '/inbox?unread=1&page=2', { form: { intent: 'mark-read', id: first } }))
		expect(res.status).toBe(302)
		expect(res.location).toBe('/inbox?unread=1&page=2')
		expect(await unreadIds(reader)).not.toContain(first)
		expect(await unreadIds(reader)).toHaveLength(21)

		const foreign = await runRoute(action, await requestAs(reader, '/inbox', { form: { intent: 'mark-read', id: othersId } }))
		expect(foreign.status).toBe(302)
		expect(await unreadIds(other)).toEqual([othersId])

		const bad = await runRoute(action, await requestAs(reader, '/inbox', { form: { intent: 'mark-read', id: 'not-an-id' } }))
		expect(bad.status).toBe(400)
		expect(bad.data).toEqual({ error: 'notification.inbox.invalid' })
		expect((await runRoute(action, await requestAs(reader, '/inbox', { form: { intent: 'delete' } }))).status).toBe(400)

		const unread = await runRoute(loader, await requestAs(reader, '/inbox?unread=1'))
		expect(unread.data).toMatchObject({ total: 21, unread: 21, unreadOnly: true })
		expect(unread.data.rows.every((r: { unread: boolean }) => r.unread)).toBe(true)
	})

	it('marks all of the reader’s rows read and nobody else’s', async () => {
		const res = await runRoute(action, await requestAs(reader, '/inbox?unread=1&page=2', { form: { intent: 'mark-all' } }))
		expect(res.status).toBe(302)
		expect(res.location).toBe('/inbox?unread=1')
		expect(await unreadIds(reader)).toEqual([])
		expect(await unreadIds(other)).toEqual([othersId])
		const page = await runRoute(loader, await requestAs(reader, '/inbox?unread=1'))
		expect(page.data).toMatchObject({ rows: [], total: 0, unread: 0 })
		const all = await runRoute(loader, await requestAs(reader, '/inbox'))
		expect(all.data).toMatchObject({ total: 22, unread: 0 })
	})
})
