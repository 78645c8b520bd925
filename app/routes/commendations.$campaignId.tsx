// One commendation campaign: its rules, its nominations by category, and one small form per
// action the viewer may take (`intent`): open nominations, close them for review, nominate,
// review (score), reject, start the notice with a shortlist, object, resolve an objection,
// decide, cancel. The viewer flags only decide which forms show; every write goes through the
// model, which checks who and what state in its own where. Campaigns out of draft are public.
import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data, redirect } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { CampaignStatusTag, EligibilityFigures, FormErrors, NominationStatusTag, formErrorsOf } from '#app/components/commendation.tsx'
import { ErrorList } from '#app/components/form.tsx'
import {
	CITATION_MAX,
	CancelCampaignSchema,
	MIN_NOTICE_DAYS,
	NominationSchema,
	OBJECTION_REASON_MAX,
	ObjectionSchema,
	PERSON_NAME_MAX,
	RejectNominationSchema,
	ResolveObjectionSchema,
	ReviewSchema,
	noticeSchema,
} from '#app/models/commendation.schema.ts'
import {
	NOT_SHORTLISTED_NOTE,
	cancelCampaign,
	decideCampaign,
	fileObjection,
	getCampaignDetail,
	nominate,
	nominationCandidates,
	openNominations,
	rejectNomination,
	resolveObjection,
	reviewNomination,
	startNotice,
	startReview,
} from '#app/models/commendation.server.ts'
import { getRequestContext, requireActor } from '#app/utils/auth.server.ts'
import { DAY_MS, chinaDayStart, formatChinaDate } from '#app/utils/china-date.ts'
import { formatTime, formatYuan } from '#app/utils/format.ts'
import { notFound, replyWithError } from '#app/utils/http.server.ts'
import { ID_PATTERN } from '#app/utils/id.ts'

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.campaign.title ?? '表彰'} · 表彰 · 帮扶 Bangfu` }]

const NOTICES = ['created', 'open', 'start-review', 'nominate', 'review', 'reject', 'start-notice', 'object', 'resolve', 'decide', 'cancel'] as const

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await getRequestContext(request)
	const detail = await getCampaignDetail(db, params.campaignId ?? '', actor)
	if (!detail) notFound('commendation.errors.campaign_not_found')
	const { campaign, categories, nominations, viewer } = detail
	const candidates = viewer.canNominate && viewer.nominatesAsOfficial ? await nominationCandidates(db, campaign) : []
	const notice = new URL(request.url).searchParams.get('notice')
	const today = chinaDayStart(Date.now())
	return {
		campaign: {
			id: campaign.id,
			title: campaign.title,
			year: campaign.year,
			level: campaign.level,
			regionName: campaign.regionName,
			organizerName: campaign.organizerName,
			description: campaign.description,
			status: campaign.status,
			periodFrom: formatChinaDate(campaign.periodStart),
			periodTo: formatChinaDate(campaign.periodEnd - DAY_MS),
			minVerifiedAmount: campaign.minVerifiedAmount,
			minVerifiedCount: campaign.minVerifiedCount,
			nominationEndsOn: formatChinaDate(campaign.nominationEndsAt - DAY_MS),
			noticeFrom: campaign.noticeStartsAt === null ? null : formatChinaDate(campaign.noticeStartsAt),
			noticeTo: campaign.noticeEndsAt === null ? null : formatChinaDate(campaign.noticeEndsAt - DAY_MS),
			decidedAt: campaign.decidedAt,
		},
		categories,
		nominations,
		viewer,
		candidates: candidates.map((c) => ({ orgId: c.orgId, name: c.name, amountFen: c.amountFen, count: c.count })),
		notice: (NOTICES as readonly string[]).includes(notice ?? '') ? notice : null,
		noticeDefaults: { from: formatChinaDate(today), to: formatChinaDate(today + MIN_NOTICE_DAYS * DAY_MS) },
		// From a .server module: passed through the loader, the component cannot import it.
		notShortlistedNote: NOT_SHORTLISTED_NOTE,
	}
}

// ---------------------------------------------------------------------------------------------
// Action

type ActionResult = { form: string; result: SubmissionResult<string[]> }

const IdField = (message: string) => z.string({ error: message }).trim().regex(ID_PATTERN, { error: message })
const NoFields = z.object({})

type StepContext = { id: string; payload: Record<string, unknown> }
type Step = {
	schema: () => z.ZodType
	/** The form on the page the post belongs to (per nomination or objection). */
	key?: (payload: Record<string, unknown>) => string
	run: (db: Parameters<typeof nominate>[0], actor: Parameters<typeof nominate>[3], ctx: StepContext) => Promise<unknown>
}

const withNomination = (schema: z.ZodObject) => schema.extend({ nominationId: IdField('commendation.errors.nomination_not_found') })
const str = (v: unknown) => (typeof v === 'string' ? v : '')

const STEPS: Record<string, Step> = {
	open: { schema: () => NoFields, run: (db, actor, { id }) => openNominations(db, id, actor) },
	'start-review': { schema: () => NoFields, run: (db, actor, { id }) => startReview(db, id, actor) },
	nominate: { schema: () => NominationSchema, run: (db, actor, { id, payload }) => nominate(db, id, payload, actor) },
	review: {
		schema: () => withNomination(ReviewSchema),
		key: (p) => `review-${str(p.nominationId)}`,
		run: (db, actor, { payload }) => reviewNomination(db, str(payload.nominationId), payload, actor),
	},
	reject: {
		schema: () => withNomination(RejectNominationSchema),
		key: (p) => `reject-${str(p.nominationId)}`,
		run: (db, actor, { payload }) => rejectNomination(db, str(payload.nominationId), payload, actor),
	},
	// A fresh schema each time: "today" is read at parse time.
	'start-notice': { schema: () => noticeSchema(), run: (db, actor, { id, payload }) => startNotice(db, id, payload, actor) },
	object: {
		schema: () => withNomination(ObjectionSchema),
		key: (p) => `object-${str(p.nominationId)}`,
		run: (db, actor, { payload }) => fileObjection(db, str(payload.nominationId), payload, actor),
	},
	resolve: {
		schema: () => ResolveObjectionSchema.extend({ objectionId: IdField('commendation.errors.objection_not_found') }),
		key: (p) => `resolve-${str(p.objectionId)}`,
		run: (db, actor, { payload }) => resolveObjection(db, str(payload.objectionId), payload, actor),
	},
	decide: { schema: () => NoFields, run: (db, actor, { id }) => decideCampaign(db, id, actor) },
	cancel: { schema: () => CancelCampaignSchema, run: (db, actor, { id, payload }) => cancelCampaign(db, id, payload, actor) },
}

export async function action({ request, params }: ActionFunctionArgs) {
	const { db, actor } = await requireActor(request)
	const id = params.campaignId ?? ''
	const formData = await request.formData()
	const intent = String(formData.get('intent') ?? '')
	const step = STEPS[intent]
	if (!step) {
		const submission = parseWithZod(formData, { schema: NoFields })
		return data<ActionResult>({ form: 'unknown', result: submission.reply({ formErrors: ['commendation.errors.unknown_intent'] }) }, { status: 400 })
	}
	const submission = parseWithZod(formData, { schema: step.schema() })
	const payload = submission.payload as Record<string, unknown>
	const form = step.key ? step.key(payload) : intent
	if (submission.status !== 'success') return data<ActionResult>({ form, result: submission.reply() }, { status: 400 })
	try {
		await step.run(db, actor, { id, payload })
	} catch (error) {
		const response = replyWithError(submission, error)
		return data<ActionResult>({ form, result: response.data.result }, { status: response.init?.status ?? 400 })
	}
	return redirect(`/commendations/${encodeURIComponent(id)}?notice=${intent}`)
}

// ---------------------------------------------------------------------------------------------
// Page

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>
type Nomination = LoaderData['nominations'][number]

function useFormResult(form: string) {
	const actionData = useActionData<typeof action>()
	return formErrorsOf(actionData?.form === form ? actionData.result : null)
}

function Intent({ value, children, className, fields }: { value: string; children: ReactNode; className?: string; fields?: Record<string, string> }) {
	const navigation = useNavigation()
	return (
		<Form method="post" style={{ display: 'inline-block', marginRight: 8 }}>
			<input type="hidden" name="intent" value={value} />
			{Object.entries(fields ?? {}).map(([k, v]) => (
				<input key={k} type="hidden" name={k} value={v} />
			))}
			<button type="submit" className={className} disabled={navigation.state === 'submitting'} style={{ minHeight: 44 }}>
				{children}
			</button>
		</Form>
	)
}

function TextField({ form, name, label, max, multiline, type = 'text', defaultValue }: { form: string; name: string; label: string; max?: number; multiline?: boolean; type?: string; defaultValue?: string }) {
	const { field } = useFormResult(form)
	const errors = field(name)
	const id = `${form}-${name}`
	return (
		<div className="field">
			<label htmlFor={id}>{label}</label>
			{multiline ? (
				<textarea id={id} name={name} rows={3} maxLength={max} aria-invalid={errors.length ? true : undefined} aria-describedby={errors.length ? `${id}-error` : undefined} defaultValue={defaultValue} />
			) : (
				<input id={id} name={name} type={type} maxLength={max} aria-invalid={errors.length ? true : undefined} aria-describedby={errors.length ? `${id}-error` : undefined} defaultValue={defaultValue} />
			)}
			<ErrorList id={`${id}-error`} errors={errors} />
		</div>
	)
}

export default function CampaignPage() {
	const { t, i18n } = useTranslation()
	const { campaign, categories, nominations, viewer, notice } = useLoaderData<typeof loader>()
	const unknown = useFormResult('unknown')
	const byCategory = categories.map((c) => ({ ...c, rows: nominations.filter((n) => n.category === c.category) }))
	return (
		<>
			<p className="crumbs">
				<Link to="/commendations">{t('commendation.list_title')}</Link> ›
			</p>
			<h1>
				{campaign.title} <CampaignStatusTag status={campaign.status} />
			</h1>
			{notice ? (
				<p className="notice" role="status">
					{t(`commendation.notices.${notice}`)}
				</p>
			) : null}
			<FormErrors errors={unknown.form} />
			<section className="card" aria-labelledby="h-rules">
				<h2 id="h-rules" style={{ marginTop: 0 }}>
					{t('commendation.detail.rules')}
				</h2>
				<dl>
					<dt>{t('commendation.fields.level')}</dt>
					<dd>
						{t(`commendation.level.${campaign.level}`)}
						{campaign.regionName ? ` · ${campaign.regionName}` : ''} · {campaign.year}
					</dd>
					<dt>{t('commendation.fields.organizer')}</dt>
					<dd>{campaign.organizerName || t('commendation.national_organizer')}</dd>
					<dt>{t('commendation.form.period')}</dt>
					<dd>{t('commendation.detail.period', { from: campaign.periodFrom, to: campaign.periodTo })}</dd>
					<dt>{t('commendation.form.thresholds')}</dt>
					<dd>{t('commendation.detail.thresholds', { amount: formatYuan(campaign.minVerifiedAmount, i18n.language), count: campaign.minVerifiedCount })}</dd>
					<dt>{t('commendation.fields.nomination_ends')}</dt>
					<dd>{campaign.nominationEndsOn}</dd>
					<dt>{t('commendation.form.categories')}</dt>
					<dd>{categories.map((c) => t('commendation.detail.quota', { category: t(`commendation.category.${c.category}`), quota: c.quota })).join('；')}</dd>
					{campaign.noticeFrom && campaign.noticeTo ? (
						<>
							<dt>{t('commendation.detail.notice')}</dt>
							<dd>{t('commendation.notice_window', { from: campaign.noticeFrom, to: campaign.noticeTo })}</dd>
						</>
					) : null}
					{campaign.decidedAt ? (
						<>
							<dt>{t('commendation.detail.decided_at')}</dt>
							<dd>{formatTime(campaign.decidedAt, i18n.language)}</dd>
						</>
					) : null}
				</dl>
				{campaign.description ? <p style={{ whiteSpace: 'pre-wrap' }}>{campaign.description}</p> : null}
				<p className="muted">{t('commendation.detail.eligibility_rules')}</p>
			</section>

			{viewer.manages ? <ManagerActions /> : null}
			{viewer.canNominate ? <NominateForm /> : null}
			{campaign.status === 'notice' ? (
				<p className="card" role="status">
					{viewer.noticeOpen ? t('commendation.detail.notice_open') : viewer.noticeEnded ? t('commendation.detail.notice_ended') : t('commendation.detail.notice_pending', { date: campaign.noticeFrom })}
					{viewer.noticeOpen && !viewer.signedIn ? ` ${t('commendation.detail.sign_in_to_object')}` : ''}
				</p>
			) : null}

			{byCategory.map((c) => (
				<section key={c.category} className="card" aria-labelledby={`h-${c.category}`}>
					<h2 id={`h-${c.category}`} style={{ marginTop: 0 }}>
						{t(`commendation.category.${c.category}`)} <span className="muted">{t('commendation.detail.quota_short', { quota: c.quota })}</span>
					</h2>
					{c.rows.length ? (
						<ul className="plain">
							{c.rows.map((n) => (
								<NominationItem key={n.id} n={n} />
							))}
						</ul>
					) : (
						<p className="muted">{t('commendation.detail.no_nominations')}</p>
					)}
				</section>
			))}
		</>
	)
}

function ManagerActions() {
	const { t } = useTranslation()
	const { campaign, nominations, categories, noticeDefaults } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	const errors = (form: string) => formErrorsOf(actionData?.form === form ? actionData.result : null)
	const notice = useFormResult('start-notice')
	const open = nominations.filter((n) => n.status === 'nominated')
	return (
		<section className="card" aria-labelledby="h-manage">
			<h2 id="h-manage" style={{ marginTop: 0 }}>
				{t('commendation.detail.manage')}
			</h2>
			{['open', 'start-review', 'decide'].map((f) => (
				<FormErrors key={f} errors={errors(f).form} />
			))}
			{campaign.status === 'draft' ? <Intent value="open">{t('commendation.actions.open')}</Intent> : null}
			{campaign.status === 'nominating' ? <Intent value="start-review">{t('commendation.actions.start_review')}</Intent> : null}
			{campaign.status === 'notice' ? <Intent value="decide">{t('commendation.actions.decide')}</Intent> : null}
			{campaign.status === 'reviewing' ? (
				<Form method="post" style={{ marginTop: 12 }}>
					<h3>{t('commendation.detail.start_notice')}</h3>
					<p className="hint">{t('commendation.detail.start_notice_hint', { days: MIN_NOTICE_DAYS })}</p>
					<FormErrors errors={notice.form} />
					<input type="hidden" name="intent" value="start-notice" />
					<TextField form="start-notice" name="noticeStartsOn" type="date" label={t('commendation.fields.notice_starts')} defaultValue={noticeDefaults.from} />
					<TextField form="start-notice" name="noticeEndsOn" type="date" label={t('commendation.fields.notice_ends')} defaultValue={noticeDefaults.to} />
					<fieldset>
						<legend>{t('commendation.fields.shortlist')}</legend>
						{categories.map((c) => (
							<div key={c.category}>
								<strong>{t('commendation.detail.quota', { category: t(`commendation.category.${c.category}`), quota: c.quota })}</strong>
								{open
									.filter((n) => n.category === c.category)
									.map((n) => (
										<label key={n.id} style={{ display: 'flex', gap: 8, alignItems: 'center', fontWeight: 400, minHeight: 44 }}>
											<input type="checkbox" name="shortlist" value={n.id} style={{ width: 'auto' }} />
											{n.orgName}
											{n.personName ? ` · ${n.personName}` : ''}
											{n.meanScore !== null ? ` · ${t('commendation.detail.mean_score', { score: n.meanScore, count: n.reviewCount })}` : ''}
										</label>
									))}
							</div>
						))}
						<ErrorList errors={notice.field('shortlist')} />
					</fieldset>
					<button type="submit" style={{ minHeight: 44 }}>
						{t('commendation.actions.start_notice')}
					</button>
				</Form>
			) : null}
			{campaign.status !== 'decided' && campaign.status !== 'cancelled' ? (
				<details style={{ marginTop: 12 }}>
					<summary>{t('commendation.actions.cancel')}</summary>
					<Form method="post">
						<FormErrors errors={errors('cancel').form} />
						<input type="hidden" name="intent" value="cancel" />
						<TextField form="cancel" name="reason" label={t('commendation.fields.reason')} max={500} />
						<button type="submit" className="secondary" style={{ minHeight: 44 }}>
							{t('commendation.actions.cancel_confirm')}
						</button>
					</Form>
				</details>
			) : null}
		</section>
	)
}

function NominateForm() {
	const { t, i18n } = useTranslation()
	const { categories, viewer, candidates } = useLoaderData<typeof loader>()
	const result = useFormResult('nominate')
	const orgs = [
		...viewer.selfOrgs.map((o) => ({ id: o.id, label: t('commendation.detail.self_org', { name: o.name }) })),
		...candidates.filter((c) => !viewer.selfOrgs.some((o) => o.id === c.orgId)).map((c) => ({ id: c.orgId, label: t('commendation.detail.candidate', { name: c.name, amount: formatYuan(c.amountFen, i18n.language), count: c.count }) })),
	]
	return (
		<section className="card" aria-labelledby="h-nominate">
			<h2 id="h-nominate" style={{ marginTop: 0 }}>
				{t('commendation.detail.nominate')}
			</h2>
			<p className="hint">{viewer.nominatesAsOfficial ? t('commendation.detail.nominate_official_hint') : t('commendation.detail.nominate_self_hint')}</p>
			<Form method="post" className="narrow">
				<FormErrors errors={result.form} />
				<input type="hidden" name="intent" value="nominate" />
				<div className="field">
					<label htmlFor="nominate-category">{t('commendation.fields.category')}</label>
					<select id="nominate-category" name="category" aria-invalid={result.field('category').length ? true : undefined}>
						{categories.map((c) => (
							<option key={c.category} value={c.category}>
								{t(`commendation.category.${c.category}`)}
							</option>
						))}
					</select>
					<ErrorList errors={result.field('category')} />
				</div>
				<div className="field">
					<label htmlFor="nominate-org">{t('commendation.fields.org')}</label>
					<select id="nominate-org" name="orgId" aria-invalid={result.field('orgId').length ? true : undefined}>
						{orgs.length !== 1 ? <option value="">{t('commendation.form.choose')}</option> : null}
						{orgs.map((o) => (
							<option key={o.id} value={o.id}>
								{o.label}
							</option>
						))}
					</select>
					{viewer.nominatesAsOfficial ? <small className="hint">{t('commendation.detail.candidates_hint')}</small> : null}
					<ErrorList errors={result.field('orgId')} />
				</div>
				<TextField form="nominate" name="personName" label={t('commendation.fields.person_name')} max={PERSON_NAME_MAX} />
				<TextField form="nominate" name="citation" label={t('commendation.fields.citation')} max={CITATION_MAX} multiline />
				<button type="submit" style={{ minHeight: 44 }}>
					{t('commendation.actions.nominate')}
				</button>
			</Form>
		</section>
	)
}

function NominationItem({ n }: { n: Nomination }) {
	const { t } = useTranslation()
	const { campaign, viewer, notShortlistedNote } = useLoaderData<typeof loader>()
	const review = useFormResult(`review-${n.id}`)
	const reject = useFormResult(`reject-${n.id}`)
	const object = useFormResult(`object-${n.id}`)
	const note = n.statusNote === notShortlistedNote ? t('commendation.notes.not_shortlisted') : n.statusNote
	const open = n.status === 'nominated'
	return (
		<li style={{ borderTop: '1px solid var(--line)', padding: '8px 0' }}>
			<div>
				<strong>{n.orgName}</strong>
				{n.personName ? ` · ${n.personName}` : ''} <NominationStatusTag status={n.status} />{' '}
				<span className="muted">{n.selfNominated ? t('commendation.detail.self_nominated') : t('commendation.detail.nominated_by', { name: n.nominatorName })}</span>
			</div>
			<p style={{ whiteSpace: 'pre-wrap', margin: '4px 0' }}>{n.citation}</p>
			{note ? <p className="muted">{t('commendation.detail.status_note', { note })}</p> : null}
			{n.award ? (
				<p>
					<Link to={`/honors/certificates/${n.award.id}`}>{t('commendation.detail.certificate', { no: n.award.certificateNo })}</Link>
				</p>
			) : null}
			{n.eligibility ? <EligibilityFigures e={n.eligibility} caption={t('commendation.eligibility.at_nomination')} /> : null}
			{n.liveEligibility ? <EligibilityFigures e={n.liveEligibility} caption={t('commendation.eligibility.now')} /> : null}
			{viewer.manages ? <p className="muted">{n.reviewCount ? t('commendation.detail.mean_score', { score: n.meanScore, count: n.reviewCount }) : t('commendation.detail.no_reviews')}</p> : null}
			{viewer.manages && campaign.status === 'reviewing' && open ? (
				<details>
					<summary>{n.myReview ? t('commendation.detail.my_review', { score: n.myReview.score }) : t('commendation.actions.review')}</summary>
					<Form method="post">
						<FormErrors errors={review.form} />
						<input type="hidden" name="intent" value="review" />
						<input type="hidden" name="nominationId" value={n.id} />
						<TextField form={`review-${n.id}`} name="score" label={t('commendation.fields.score')} type="number" defaultValue={n.myReview ? String(n.myReview.score) : ''} />
						<TextField form={`review-${n.id}`} name="comment" label={t('commendation.fields.comment')} multiline defaultValue={n.myReview?.comment ?? ''} />
						<button type="submit" style={{ minHeight: 44 }}>
							{t('commendation.actions.save_review')}
						</button>
					</Form>
				</details>
			) : null}
			{viewer.manages && (campaign.status === 'nominating' || campaign.status === 'reviewing') && open ? (
				<details>
					<summary>{t('commendation.actions.reject')}</summary>
					<Form method="post">
						<FormErrors errors={reject.form} />
						<input type="hidden" name="intent" value="reject" />
						<input type="hidden" name="nominationId" value={n.id} />
						<TextField form={`reject-${n.id}`} name="reason" label={t('commendation.fields.reason')} max={500} />
						<button type="submit" className="secondary" style={{ minHeight: 44 }}>
							{t('commendation.actions.reject_confirm')}
						</button>
					</Form>
				</details>
			) : null}
			{viewer.canObject && open ? (
				<details>
					<summary>{t('commendation.actions.object')}</summary>
					<Form method="post">
						<FormErrors errors={object.form} />
						<input type="hidden" name="intent" value="object" />
						<input type="hidden" name="nominationId" value={n.id} />
						<TextField form={`object-${n.id}`} name="reason" label={t('commendation.fields.objection_reason')} max={OBJECTION_REASON_MAX} multiline />
						<button type="submit" style={{ minHeight: 44 }}>
							{t('commendation.actions.object_submit')}
						</button>
					</Form>
				</details>
			) : null}
			{n.objections.length ? (
				<div>
					<h3 style={{ fontSize: '1rem' }}>{t('commendation.detail.objections')}</h3>
					<ul>
						{n.objections.map((o) => (
							<ObjectionItem key={o.id} o={o} />
						))}
					</ul>
				</div>
			) : null}
		</li>
	)
}

function ObjectionItem({ o }: { o: Nomination['objections'][number] }) {
	const { t, i18n } = useTranslation()
	const { campaign } = useLoaderData<typeof loader>()
	const result = useFormResult(`resolve-${o.id}`)
	return (
		<li>
			<span className={`tag ${o.status === 'open' ? 'pending' : o.status === 'upheld' ? 'rejected' : 'verified'}`}>{t(`commendation.objection_status.${o.status}`)}</span> <span style={{ whiteSpace: 'pre-wrap' }}>{o.reason}</span>{' '}
			<span className="muted">{formatTime(o.createdAt, i18n.language)}</span>
			{o.resolution ? <p className="muted">{t('commendation.detail.resolution', { text: o.resolution })}</p> : null}
			{o.status === 'open' && campaign.status === 'notice' ? (
				<Form method="post">
					<FormErrors errors={result.form} />
					<input type="hidden" name="intent" value="resolve" />
					<input type="hidden" name="objectionId" value={o.id} />
					<div className="field">
						<label htmlFor={`resolve-${o.id}-decision`}>{t('commendation.fields.decision')}</label>
						<select id={`resolve-${o.id}-decision`} name="decision">
							<option value="dismissed">{t('commendation.objection_status.dismissed')}</option>
							<option value="upheld">{t('commendation.objection_status.upheld')}</option>
						</select>
						<ErrorList errors={result.field('decision')} />
					</div>
					<TextField form={`resolve-${o.id}`} name="resolution" label={t('commendation.fields.resolution')} multiline />
					<button type="submit" style={{ minHeight: 44 }}>
						{t('commendation.actions.resolve')}
					</button>
				</Form>
			) : null}
		</li>
	)
}
