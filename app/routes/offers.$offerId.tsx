// One offer: details, lifecycle buttons for its provider's managers (intent publish | pause |
// resume | withdraw) and its history. Drafts are seen by the provider's members only.
import { type SubmissionResult, getFormProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { Pair, cardDl } from '#app/components/browse.tsx'
import { CommitmentStatusTags, SuggestionReasons } from '#app/components/commitment.tsx'
import { ErrorList } from '#app/components/form.tsx'
import { listCommitmentsForOrg } from '#app/models/commitment.server.ts'
import { listEvents } from '#app/models/event.server.ts'
import { OFFER_ACTIONS, type OfferAction, OfferTransitionSchema } from '#app/models/offer.schema.ts'
import { getOffer, transitionOffer } from '#app/models/offer.server.ts'
import { roleAtLeast } from '#app/models/policy.server.ts'
import { suggestNeedsForOffer } from '#app/models/suggestion.server.ts'
import { getRequestContext, requireActor } from '#app/utils/auth.server.ts'
import { formatChinaDate } from '#app/utils/china-date.ts'
import { isAppError } from '#app/utils/errors.ts'
import { formatMeasure } from '#app/utils/format.ts'
import { notFound, replyWithError } from '#app/utils/http.server.ts'
import { tm } from '#app/utils/i18n-message.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.offer.title ?? '帮扶资源'} · 帮扶 Bangfu` }]

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await getRequestContext(request)
	const offer = await getOffer(db, params.offerId ?? '', actor)
	if (!offer) notFound()
	const insider = !!offer.viewer.role
	const events = await listEvents(db, 'offer', offer.id)
	// Commitments drawing on this offer that the viewer may see (all of them for the provider's
	// members, a village its own, officials those in their jurisdiction; none when signed out).
	const helped = actor ? (await listCommitmentsForOrg(db, offer.providerOrgId, actor, { side: 'provider', limit: 500 })).filter((c) => c.offerId === offer.id) : []
	const canPledge = !!offer.viewer.role && roleAtLeast(offer.viewer.role, 'admin')
	let suggestions: Awaited<ReturnType<typeof suggestNeedsForOffer>> = []
	if (insider && offer.status === 'active') {
		try {
			suggestions = await suggestNeedsForOffer(db, offer.id, { limit: 5 })
		} catch (error) {
			// Suggestions help; they never break the page.
			if (!isAppError(error)) console.error('need suggestions failed', error)
		}
	}
	return {
		helped: helped.map((c) => ({
			id: c.id,
			needId: c.needId,
			needTitle: c.needTitle,
			villageOrgName: c.villageOrgName,
			amount: c.amount,
			deliveredAmount: c.deliveredAmount,
			status: c.status,
			overdue: c.overdue,
		})),
		suggestions: suggestions.map((s) => ({ needId: s.needId, title: s.title, villageName: s.villageName, reasons: s.reasons })),
		canPledge,
		offer,
		// Who did what is for the provider's members; everyone sees what happened and when.
		events: events.map((e) => ({ id: e.id, action: e.action, note: e.note, createdAt: e.createdAt, actorName: insider ? e.actorName : null })),
		insider,
	}
}

type ActionResult = { intent: OfferAction | null; result: SubmissionResult<string[]> | null; notice: string | null; error: string | null }

function reply(body: Partial<ActionResult>, status = 200) {
	return data<ActionResult>({ intent: null, result: null, notice: null, error: null, ...body }, { status })
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const offerId = params.offerId ?? ''
	const formData = await request.formData()
	const intent = String(formData.get('intent') ?? '')
	if (!(OFFER_ACTIONS as readonly string[]).includes(intent)) return reply({ error: 'offer.unknown_intent' }, 400)
	const action = intent as OfferAction
	formData.set('action', action)
	const submission = parseWithZod(formData, { schema: OfferTransitionSchema })
	if (submission.status !== 'success') return reply({ intent: action, result: submission.reply() }, 400)
	try {
		await transitionOffer(db, offerId, submission.payload, actor)
		return reply({ intent: action, result: submission.reply({ resetForm: true }), notice: `offer.notice.${action}` })
	} catch (error) {
		const response = replyWithError(submission, error)
		return reply({ intent: action, result: response.data.result }, response.init?.status ?? 400)
	}
}

export default function OfferPage() {
	const { t, i18n } = useTranslation()
	const { offer, events, insider, helped, suggestions, canPledge } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const [searchParams] = useSearchParams()
	const lang = i18n.language
	const notice = actionData?.notice ?? (searchParams.get('created') === '1' ? 'offer.notice.created' : searchParams.get('saved') === '1' ? 'offer.notice.updated' : null)
	const managers = offer.viewer.actions.length > 0

	return (
		<>
			<p className="crumbs">
				<Link to="/offers">{t('browse.offers.title')}</Link> ›
			</p>
			<h1 style={{ overflowWrap: 'anywhere' }}>
				{offer.title}{' '}
				<span className={`tag ${offer.displayStatus === 'active' ? 'verified' : offer.displayStatus === 'withdrawn' ? 'rejected' : 'pending'}`} style={{ verticalAlign: 'middle' }}>
					{t(`vocab.offer_status.${offer.displayStatus}`)}
				</span>
			</h1>
			{notice ? (
				<p className="notice" role="status">
					{tm(t, notice)}
				</p>
			) : null}
			{actionData?.error ? (
				<div className="form-errors" role="alert">
					{tm(t, actionData.error)}
				</div>
			) : null}
			{offer.status === 'draft' ? <p className="muted">{t('offer.draft_hint')}</p> : null}
			{offer.displayStatus === 'exhausted' ? <p className="muted">{t('offer.exhausted_hint')}</p> : null}

			<section className="card" aria-labelledby="h-details">
				<h2 id="h-details" style={{ marginTop: 0 }}>
					{t('offer.details')}
				</h2>
				<dl style={cardDl}>
					<Pair label={t('offer.provider')}>
						<Link to={`/orgs/${offer.providerOrgId}`}>{offer.providerName}</Link> <span className="muted">{t(`vocab.org_kind.${offer.providerKind}`)}</span>
					</Pair>
					<Pair label={t('offer.status')}>
						{t(`vocab.offer_status.${offer.displayStatus}`)}
						{offer.statusNote ? <div>{t('offer.status_note', { note: offer.statusNote })}</div> : null}
					</Pair>
					<Pair label={t('offer.categories')}>
						<span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4 }}>
							{offer.categories.map((c) => (
								<span key={c} className="tag">
									{t(`vocab.category.${c}`)}
								</span>
							))}
						</span>
					</Pair>
					<Pair label={t('offer.capacity')}>
						{offer.capacity === null ? (
							<>
								{t('offer.capacity_unlimited')}
								{offer.measure === 'quantity' && offer.unit ? ` (${offer.unit})` : null}
							</>
						) : (
							<strong>{formatMeasure(offer.measure, offer.capacity, offer.unit, lang)}</strong>
						)}
					</Pair>
					<Pair label={t('offer.capacity_used')}>{formatMeasure(offer.measure, offer.capacityUsed, offer.unit, lang)}</Pair>
					{offer.capacity !== null ? <Pair label={t('offer.remaining')}>{formatMeasure(offer.measure, offer.remaining ?? 0, offer.unit, lang)}</Pair> : null}
					<Pair label={t('offer.coverage')}>
						<div>{t(`vocab.coverage.${offer.coverage}`)}</div>
						{offer.coverage === 'nationwide' ? null : offer.coversNowhere ? (
							<div className="muted">{t('offer.covers_nowhere')}</div>
						) : (
							<ul style={{ margin: '4px 0 0', paddingLeft: '1.2em' }}>
								{offer.regions.map((r) => (
									<li key={r.code}>
										<Link to={`/regions/${r.code}`}>{r.name}</Link>
									</li>
								))}
							</ul>
						)}
					</Pair>
					<Pair label={t('offer.validity')}>{t('offer.validity_range', { from: formatChinaDate(offer.validFrom), until: formatChinaDate(offer.validUntil) })}</Pair>
					{offer.publishedAt ? (
						<Pair label={t('offer.published_at')}>
							<time dateTime={new Date(offer.publishedAt).toISOString()}>{formatChinaDate(offer.publishedAt)}</time>
						</Pair>
					) : null}
				</dl>
				<h3>{t('offer.fields.description')}</h3>
				<p style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{offer.description}</p>
				<p className="muted" style={{ marginBottom: 0 }}>
					<Link to={`/needs?${new URLSearchParams(offer.categories.map((c) => ['category', c]))}`}>{t('offer.matching_needs')}</Link>
				</p>
			</section>

			{helped.length || insider ? (
				<section className="card" aria-labelledby="h-helped">
					<h2 id="h-helped" style={{ marginTop: 0 }}>
						{t('commitment.offer_page.helped_title')}
					</h2>
					{helped.length ? (
						<ul className="plain">
							{helped.map((c) => (
								<li key={c.id} style={{ padding: '8px 0', background: c.overdue ? '#fff5f5' : undefined }}>
									<Link to={`/commitments/${c.id}`} style={{ fontWeight: 600, overflowWrap: 'anywhere', display: 'inline-block', padding: '6px 0' }}>
										{c.villageOrgName}
									</Link>{' '}
									<CommitmentStatusTags status={c.status} overdue={c.overdue} />
									<div style={{ overflowWrap: 'anywhere' }}>
										<Link to={`/needs/${c.needId}`}>{c.needTitle}</Link>
									</div>
									<div className="muted">
										{t('commitment.detail.amount')} {formatMeasure(offer.measure, c.amount, offer.unit, lang)}
										{c.deliveredAmount !== null ? ` · ${t('commitment.detail.delivered_amount')} ${formatMeasure(offer.measure, c.deliveredAmount, offer.unit, lang)}` : null}
									</div>
								</li>
							))}
						</ul>
					) : (
						<p className="muted">{t('commitment.offer_page.helped_empty')}</p>
					)}
					<p className="muted" style={{ marginBottom: 0 }}>
						{t('commitment.offer_page.helped_private')}
					</p>
				</section>
			) : null}

			{suggestions.length ? (
				<section className="card" aria-labelledby="h-suggested-needs">
					<h2 id="h-suggested-needs" style={{ marginTop: 0 }}>
						{t('commitment.offer_page.suggestions_title')}
					</h2>
					<p className="muted">{t('commitment.offer_page.suggestions_intro')}</p>
					<ol style={{ paddingLeft: '1.4em', margin: 0 }}>
						{suggestions.map((s) => (
							<li key={s.needId} style={{ padding: '8px 0', borderBottom: '1px dashed var(--line)' }}>
								<Link to={`/needs/${s.needId}`} style={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
									{s.title}
								</Link>
								<div className="muted" style={{ overflowWrap: 'anywhere' }}>
									{s.villageName}
								</div>
								<SuggestionReasons reasons={s.reasons} />
								{canPledge ? (
									<p style={{ margin: '6px 0 0' }}>
										<Link
											to={`/commitments/new?${new URLSearchParams({ need: s.needId, offer: offer.id })}`}
											className="button secondary"
											style={{ minHeight: 44, lineHeight: '28px' }}
										>
											{t('commitment.offer_page.use_for_need')}
										</Link>
									</p>
								) : null}
							</li>
						))}
					</ol>
				</section>
			) : null}

			{insider ? (
				<section className="card" aria-labelledby="h-manage">
					<h2 id="h-manage" style={{ marginTop: 0 }}>
						{t('offer.manage')}
					</h2>
					<p className="muted">{t('offer.lifecycle')}</p>
					{offer.viewer.canEdit ? (
						<p>
							<Link to={`/offers/${offer.id}/edit`} className="button secondary">
								{t('offer.actions.edit')}
							</Link>
						</p>
					) : null}
					{managers ? (
						<div className="grid">
							{offer.viewer.actions.map((a) => (
								<TransitionForm key={`${a}-${offer.status}`} action={a} lastResult={actionData?.intent === a ? (actionData.result ?? undefined) : undefined} />
							))}
						</div>
					) : (
						<p className="muted" style={{ marginBottom: 0 }}>
							{t('offer.members_may_draft')}
						</p>
					)}
				</section>
			) : null}

			<section className="card" aria-labelledby="h-timeline">
				<h2 id="h-timeline" style={{ marginTop: 0 }}>
					{t('offer.timeline')}
				</h2>
				{events.length ? (
					<ul className="plain">
						{events.map((e) => (
							<li key={e.id}>
								<strong>{i18n.exists(`offer.events.${e.action}`) ? t(`offer.events.${e.action}`) : e.action}</strong>
								{e.note ? <> · {e.note}</> : null}
								<div className="muted">
									<time dateTime={new Date(e.createdAt).toISOString()}>{new Date(e.createdAt).toLocaleString(lang, { timeZone: 'Asia/Shanghai' })}</time>
									{e.actorName ? ` · ${e.actorName}` : null}
								</div>
							</li>
						))}
					</ul>
				) : (
					<p className="muted">{t('offer.timeline_empty')}</p>
				)}
			</section>
		</>
	)
}

function TransitionForm({ action, lastResult }: { action: OfferAction; lastResult: SubmissionResult<string[]> | undefined }) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useForm<{ note?: string }>({ id: `offer-${action}`, lastResult })
	const withNote = action === 'pause' || action === 'withdraw'
	return (
		<Form method="post" {...getFormProps(form)} style={{ border: '1px solid var(--line)', borderRadius: 6, padding: 12 }}>
			<div className={form.errors?.length ? 'form-errors' : undefined}>
				<ErrorList id={form.errorId} errors={form.errors} />
			</div>
			<p style={{ marginTop: 0 }} className="muted">
				{t(`offer.action_hints.${action}`)}
			</p>
			{withNote ? (
				<div className="field">
					<label htmlFor={fields.note.id}>
						{t('offer.note')}
						{action === 'withdraw' ? t('offer.required_mark') : ''}
					</label>
					<textarea {...getTextareaProps(fields.note, { ariaAttributes: true })} rows={2} maxLength={500} required={action === 'withdraw'} />
					<small className="hint">{t(action === 'withdraw' ? 'offer.note_hint_withdraw' : 'offer.note_hint_pause')}</small>
					<ErrorList id={fields.note.errorId} errors={fields.note.errors} />
				</div>
			) : null}
			<button type="submit" name="intent" value={action} className={action === 'withdraw' ? 'secondary' : undefined} disabled={navigation.state === 'submitting'}>
				{t(`offer.actions.${action}`)}
			</button>
		</Form>
	)
}
