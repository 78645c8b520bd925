// /review/needs: submitted village needs an official may review. The file name ends the `review`
// segment with `_` so the page does not nest inside /review's layout (which has no Outlet).
import { type SubmissionResult, getFormProps, getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction, data } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList } from '#app/components/form.tsx'
import { tapStyle } from '#app/components/need-form.tsx'
import { REVIEW_DECISIONS, ReviewNeedSchema } from '#app/models/need.schema.ts'
import { getNeed, listReviewQueue, reviewNeed } from '#app/models/need.server.ts'
import { isOfficial } from '#app/models/policy.server.ts'
import { requireActor } from '#app/utils/auth.server.ts'
import { formatTarget, formatTime } from '#app/utils/format.ts'
import { forbidden, replyWithError } from '#app/utils/http.server.ts'

export const meta: MetaFunction = () => [{ title: '需求审核 · 帮扶 Bangfu' }]

type Decision = (typeof REVIEW_DECISIONS)[number]

async function requireOfficial(request: Request) {
	const context = await requireActor(request)
	if (!isOfficial(context.actor)) forbidden()
	return context
}

export async function loader({ request }: LoaderFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	const { rows, total } = await listReviewQueue(db, actor)
	return {
		total,
		rows: rows.map((r) => ({
			id: r.id,
			title: r.title,
			orgName: r.orgName,
			villageCode: r.villageCode,
			villageName: r.villageName,
			category: r.category,
			measure: r.measure,
			target: r.target,
			unit: r.unit,
			urgency: r.urgency,
			submittedAt: r.submittedAt,
			photoCount: r.photoCount,
		})),
	}
}

type ActionResult = { needId: string; decision: Decision | null; result: SubmissionResult<string[]>; notice: { decision: Decision; title: string } | null }

export async function action({ request }: ActionFunctionArgs) {
	const { db, actor } = await requireOfficial(request)
	const formData = await request.formData()
	const needId = String(formData.get('needId') ?? '')
	const rawDecision = String(formData.get('decision') ?? '')
	const decision = (REVIEW_DECISIONS as readonly string[]).includes(rawDecision) ? (rawDecision as Decision) : null
	const submission = parseWithZod(formData, { schema: ReviewNeedSchema })
	if (submission.status !== 'success') return data<ActionResult>({ needId, decision, result: submission.reply(), notice: null }, { status: 400 })
	try {
		// The model checks jurisdiction, level and status in its update; nothing here trusts the page.
		await reviewNeed(db, needId, submission.value, actor)
		const need = await getNeed(db, needId, actor)
		return data<ActionResult>({ needId, decision, result: submission.reply({ resetForm: true }), notice: { decision: submission.value.decision, title: need?.title ?? '' } })
	} catch (error) {
		const response = replyWithError(submission, error)
		return data<ActionResult>({ needId, decision, result: response.data.result, notice: null }, { status: response.init?.status ?? 400 })
	}
}

const NOTICE_KEY: Record<Decision, string> = { publish: 'need.messages.published', return: 'need.messages.returned', reject: 'need.messages.rejected' }

// Below 640px the table becomes one card per need, each value led by its data-label.
// NOTE: no quotes, ampersands or angle brackets here: React escapes text inside <style>.
const RESPONSIVE_TABLE = `
@media (max-width: 640px) {
	table.need-queue thead { display: none; }
	table.need-queue, table.need-queue tbody, table.need-queue tr, table.need-queue td { display: block; width: 100%; }
	table.need-queue tr { border-bottom: 2px solid var(--line); padding: 8px 0; }
	table.need-queue td { border: 0; padding: 2px 0; }
	table.need-queue td[data-label]::before { content: attr(data-label); color: var(--muted); margin-right: 4px; }
}`

export default function NeedReviewPage() {
	const { t, i18n } = useTranslation()
	const { rows, total } = useLoaderData<typeof loader>()
	const actionData = useActionData<typeof action>()
	return (
		<>
			<p className="crumbs">
				<Link to="/review">{t('need.review.back')}</Link>
			</p>
			<h1>{t('need.review.title')}</h1>
			<p className="muted">{t('need.review.intro')}</p>
			<p>
				<Link to="/needs/import">{t('import.link_from_review')}</Link>
			</p>
			{actionData?.notice ? (
				<p className="notice" role="status">
					{t('need.review.notice', { title: actionData.notice.title, result: t(NOTICE_KEY[actionData.notice.decision]) })}
				</p>
			) : null}
			{rows.length ? (
				<>
					<p>{t('need.review.count', { count: total })}</p>
					{total > rows.length ? <p className="muted">{t('need.review.more', { shown: rows.length, count: total })}</p> : null}
					<style>{RESPONSIVE_TABLE}</style>
					<div className="table-wrap card" style={{ padding: 0 }}>
						<table className="need-queue">
							<thead>
								<tr>
									<th scope="col">{t('need.review.col_need')}</th>
									<th scope="col">{t('need.review.col_village')}</th>
									<th scope="col">{t('need.review.col_category')}</th>
									<th scope="col">{t('need.review.col_target')}</th>
									<th scope="col">{t('need.review.submitted_at')}</th>
									<th scope="col">{t('need.review.col_photos')}</th>
									<th scope="col">{t('need.page.review_actions')}</th>
								</tr>
							</thead>
							<tbody>
								{rows.map((need) => (
									<tr key={need.id}>
										<td>
											<Link to={`/needs/${need.id}`} id={`need-${need.id}`} style={{ overflowWrap: 'anywhere' }}>
												<strong>{need.title}</strong>
											</Link>
											<div className="muted">
												{need.orgName} · {t(`vocab.urgency.${need.urgency}`)}
											</div>
										</td>
										<td data-label={t('need.review.col_village')}>
											<Link to={`/regions/${need.villageCode}`}>{need.villageName}</Link>
										</td>
										<td data-label={t('need.review.col_category')}>{t(`vocab.category.${need.category}`)}</td>
										<td data-label={t('need.review.col_target')} style={{ whiteSpace: 'nowrap' }}>
											{formatTarget(t, i18n.language, need.measure, need.target, need.unit)}
										</td>
										<td data-label={t('need.review.submitted_at')}>{need.submittedAt ? formatTime(need.submittedAt, i18n.language) : '—'}</td>
										<td data-label={t('need.review.col_photos')}>{t('need.review.photo_count', { count: need.photoCount })}</td>
										<td style={{ minWidth: 240 }}>
											<Decisions needId={need.id} title={need.title} actionData={actionData?.needId === need.id ? actionData : undefined} />
										</td>
									</tr>
								))}
							</tbody>
						</table>
					</div>
				</>
			) : (
				<p className="card">{t('need.review.empty')}</p>
			)}
		</>
	)
}

function Decisions({ needId, title, actionData }: { needId: string; title: string; actionData: ActionResult | undefined }) {
	const { t } = useTranslation()
	// Errors without a decision (or for publish) belong to the row; reasons to their own form.
	const rowErrors = actionData && (actionData.decision === null || actionData.decision === 'publish') ? Object.values(actionData.result.error ?? {}).flatMap((e) => e ?? []) : []
	return (
		<div role="group" aria-label={t('need.review.decide', { title })}>
			<ErrorList errors={rowErrors} />
			<Form method="post" style={{ marginBottom: 8 }}>
				<input type="hidden" name="needId" value={needId} />
				<input type="hidden" name="decision" value="publish" />
				<DecisionButton needId={needId} label={t('need.actions.publish')} />
			</Form>
			<ReasonForm needId={needId} decision="return" actionData={actionData?.decision === 'return' ? actionData : undefined} />
			<ReasonForm needId={needId} decision="reject" actionData={actionData?.decision === 'reject' ? actionData : undefined} />
		</div>
	)
}

function DecisionButton({ needId, label, secondary }: { needId: string; label: string; secondary?: boolean }) {
	const navigation = useNavigation()
	const busy = navigation.state === 'submitting' && navigation.formData?.get('needId') === needId
	return (
		<button type="submit" className={secondary ? 'secondary' : undefined} disabled={busy} style={{ ...tapStyle, flex: '0 0 auto' }}>
			{label}
		</button>
	)
}

function ReasonForm({ needId, decision, actionData }: { needId: string; decision: 'return' | 'reject'; actionData: ActionResult | undefined }) {
	const { t } = useTranslation()
	const [form, fields] = useForm<{ reason: string }, unknown>({
		id: `need-${decision}-${needId}`,
		lastResult: actionData?.result,
		onValidate: ({ formData }) => parseWithZod(formData, { schema: ReviewNeedSchema }),
		shouldValidate: 'onSubmit',
		shouldRevalidate: 'onInput',
	})
	return (
		<Form method="post" {...getFormProps(form)} style={{ marginBottom: 8 }}>
			<input type="hidden" name="needId" value={needId} />
			<input type="hidden" name="decision" value={decision} />
			<ErrorList id={form.errorId} errors={form.errors} />
			<label htmlFor={fields.reason.id} style={{ fontWeight: 600, display: 'block' }}>
				{t(decision === 'return' ? 'need.prompts.return_reason' : 'need.prompts.reject_reason')}
			</label>
			<div style={{ display: 'flex', flexWrap: 'wrap', gap: 8 }}>
				<input {...getInputProps(fields.reason, { type: 'text', ariaAttributes: true })} maxLength={500} style={{ ...tapStyle, flex: '1 1 160px', minWidth: 0 }} />
				<DecisionButton needId={needId} label={t(decision === 'return' ? 'need.actions.return' : 'need.actions.reject')} secondary />
			</div>
			<ErrorList id={fields.reason.errorId} errors={fields.reason.errors} />
		</Form>
	)
}
