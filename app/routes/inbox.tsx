import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { countUnread, listInbox, markRead } from '#app/models/notification.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { ID_PATTERN } from '#app/utils/id.ts'

export const meta: MetaFunction = () => [{ title: '收件箱 · 帮扶 Bangfu' }]

/** The list state kept in the URL (GET params), so filter and paging work without JavaScript. */
function listState(url: URL) {
	return {
		unreadOnly: url.searchParams.get('unread') === '1',
		page: Math.max(Math.floor(Number(url.searchParams.get('page'))) || 1, 1),
	}
}

function inboxHref(state: { unreadOnly: boolean; page: number }) {
	const params = new URLSearchParams()
	if (state.unreadOnly) params.set('unread', '1')
	if (state.page > 1) params.set('page', String(state.page))
	const s = params.toString()
	return s ? `/inbox?${s}` : '/inbox'
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const state = listState(new URL(request.url))
	const [inbox, unread] = await Promise.all([listInbox(db, actor.accountId, state), countUnread(db, actor.accountId)])
	return {
		unreadOnly: state.unreadOnly,
		rows: inbox.rows,
		total: inbox.total,
		unread,
		page: inbox.page,
		pages: inbox.pages,
	}
}

const MarkReadSchema = z.discriminatedUnion('intent', [
	z.object({ intent: z.literal('mark-all') }),
	z.object({ intent: z.literal('mark-read'), id: z.string().regex(ID_PATTERN) }),
])

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const parsed = MarkReadSchema.safeParse(Object.fromEntries(await request.formData()))
	if (!parsed.success) return data({ error: 'notification.inbox.invalid' }, { status: 400 })
	// markRead puts the account in the where: another account's id changes nothing.
	await markRead(db, actor.accountId, parsed.data.intent === 'mark-all' ? 'all' : [parsed.data.id])
	// Back to the list as it was (a plain redirect, so a reload does not post again).
	const state = listState(new URL(request.url))
	return redirect(inboxHref(parsed.data.intent === 'mark-all' ? { ...state, page: 1 } : state))
}

export default function InboxPage() {
	const { t, i18n } = useTranslation()
	const { unreadOnly, rows, total, unread, page, pages } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const here = inboxHref({ unreadOnly, page })
	const message = (r: (typeof rows)[number]) =>
		i18n.exists(`notification.kind.${r.kind}`) ? t(`notification.kind.${r.kind}`, r.params) : t('notification.inbox.unknown_kind', { kind: r.kind })
	const time = (ms: number) => new Date(ms).toLocaleString(i18n.language, { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' })

	return (
		<>
			<h1>{t('notification.inbox.title')}</h1>
			<p className="muted">{t('notification.inbox.intro')}</p>
			{actionData?.error ? (
				<div className="form-errors" role="alert">
					{t(actionData.error)}
				</div>
			) : null}

			<div className="row" style={{ alignItems: 'center', justifyContent: 'space-between' }}>
				<nav aria-label={t('notification.inbox.filter')} style={{ flex: '1 1 auto' }}>
					{unreadOnly ? <Link to="/inbox">{t('notification.inbox.filter_all')}</Link> : <strong aria-current="page">{t('notification.inbox.filter_all')}</strong>}
					{' · '}
					{unreadOnly ? <strong aria-current="page">{t('notification.inbox.filter_unread')}</strong> : <Link to="/inbox?unread=1">{t('notification.inbox.filter_unread')}</Link>}
					<span className="muted" role="status">
						{' '}
						· {t('notification.inbox.summary', { total, unread })}
					</span>
				</nav>
				{unread ? (
					<Form method="post" action={here} style={{ flex: '0 0 auto' }}>
						<input type="hidden" name="intent" value="mark-all" />
						<button type="submit" className="secondary">
							{t('notification.inbox.mark_all_read')}
						</button>
					</Form>
				) : null}
			</div>

			{rows.length ? (
				<ul className="plain card" style={{ marginTop: 12 }}>
					{rows.map((r) => {
						const text = message(r)
						return (
							<li
								key={r.id}
								className="row"
								style={{ alignItems: 'baseline', padding: '8px', ...(r.unread ? { background: '#fff8e1', borderLeft: '4px solid var(--red)' } : {}) }}
							>
								<div style={{ flex: '1 1 20em' }}>
									{r.unread ? (
										<>
											<span className="tag pending">{t('notification.inbox.unread')}</span>{' '}
										</>
									) : null}
									{r.unread ? <strong>{text}</strong> : text}
									<div className="muted">
										<time dateTime={new Date(r.createdAt).toISOString()}>{time(r.createdAt)}</time>
										{r.href ? (
											<>
												{' · '}
												<Link to={r.href}>{t('notification.inbox.open')}</Link>
											</>
										) : null}
									</div>
								</div>
								{r.unread ? (
									<Form method="post" action={here} style={{ flex: '0 0 auto' }}>
										<input type="hidden" name="intent" value="mark-read" />
										<input type="hidden" name="id" value={r.id} />
										<button type="submit" className="secondary" style={{ padding: '2px 10px', fontSize: '.9rem' }} aria-label={t('notification.inbox.mark_read_label', { message: text })}>
											{t('notification.inbox.mark_read')}
										</button>
									</Form>
								) : null}
							</li>
						)
					})}
				</ul>
			) : (
				<p className="card" style={{ marginTop: 12 }}>
					{t(unreadOnly ? 'notification.inbox.empty_unread' : 'notification.inbox.empty')}
				</p>
			)}

			{pages > 1 ? (
				<nav aria-label={t('notification.inbox.pagination')} className="row" style={{ alignItems: 'center', marginTop: 12 }}>
					{page > 1 ? (
						<Link to={inboxHref({ unreadOnly, page: page - 1 })} rel="prev" style={{ flex: '0 0 auto' }}>
							{t('common.previous')}
						</Link>
					) : null}
					<span className="muted" style={{ flex: '0 1 auto' }}>
						{t('common.page', { page, pages, total })}
					</span>
					{page < pages ? (
						<Link to={inboxHref({ unreadOnly, page: page + 1 })} rel="next" style={{ flex: '0 0 auto' }}>
							{t('common.next')}
						</Link>
					) : null}
				</nav>
			) : null}
		</>
	)
}
