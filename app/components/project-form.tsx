// The project form, shared by projects.new.tsx and projects.$projectId_.edit.tsx; its village
// finder is the offer form's region finder, limited to villages.
import { type Submission, type SubmissionResult, getCollectionProps, getFormProps, getTextareaProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { Form, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ErrorList, Field } from '#app/components/form.tsx'
import { Choices, optionLabel } from '#app/components/offer-form.tsx'
import { EchoSchema, RegionFinder, appendCode, isFinderIntent } from '#app/components/region-finder.tsx'
import type { RegionFinderData } from '#app/models/browse.server.ts'
import { PROJECT_TYPES } from '#app/models/marketplace-vocab.ts'
import { MAX_PROJECT_VILLAGES, ProjectSchema } from '#app/models/project.schema.ts'

/** The project form's fields as the browser holds them. */
export type ProjectFormShape = {
	orgId?: string
	title: string
	description: string
	type: string
	villageCodes: string
	plannedInvestment: string
	permanentJobs?: string
	temporaryJobs?: string
	peopleTrained?: string
	startsOn: string
	endsOn: string
}
export type ProjectFormValues = Partial<ProjectFormShape>

function validateProject(formData: FormData): Submission<ProjectFormShape> {
	const submission = isFinderIntent(String(formData.get('intent') ?? '')) ? parseWithZod(formData, { schema: EchoSchema }) : parseWithZod(formData, { schema: ProjectSchema })
	// Only status, errors and reply() are read from it.
	return submission as unknown as Submission<ProjectFormShape>
}

export function ProjectForm({
	id,
	orgs,
	defaultValue,
	lastResult,
	finder,
	loaderPath,
	submitLabel,
}: {
	id: string
	/** The enterprises to register for; empty on the edit form. */
	orgs: Array<{ id: string; name: string }>
	defaultValue: ProjectFormValues
	lastResult: SubmissionResult<string[]> | undefined
	finder: RegionFinderData | null
	loaderPath: string
	submitLabel: string
}) {
	const { t } = useTranslation()
	const navigation = useNavigation()
	const [form, fields] = useForm<ProjectFormShape>({
		id,
		lastResult,
		defaultValue,
		onValidate: ({ formData }) => validateProject(formData),
		shouldValidate: 'onBlur',
		shouldRevalidate: 'onInput',
	})
	const orgErrors = lastResult?.error?.orgId ?? undefined
	return (
		<Form method="post" {...getFormProps(form)} style={{ maxWidth: 640 }}>
			{/* The default button, disabled: Enter in a field neither saves nor searches by surprise. */}
			<button type="submit" disabled aria-hidden tabIndex={-1} style={{ display: 'none' }} />
			<div className={form.errors?.length ? 'form-errors' : undefined}>
				<ErrorList id={form.errorId} errors={form.errors} />
			</div>

			{orgs.length > 1 ? (
				<div className="field">
					<label htmlFor={`${id}-org`}>{t('project.fields.enterprise')}</label>
					<select id={`${id}-org`} name="orgId" defaultValue={String(defaultValue.orgId ?? '')} aria-invalid={orgErrors?.length ? true : undefined} aria-describedby={orgErrors?.length ? `${id}-org-error` : undefined}>
						<option value="">{t('offer.fields.org_choose')}</option>
						{orgs.map((o) => (
							<option key={o.id} value={o.id}>
								{o.name}
							</option>
						))}
					</select>
					<ErrorList id={`${id}-org-error`} errors={orgErrors} />
				</div>
			) : orgs.length === 1 ? (
				<p>
					<span className="muted">{t('project.fields.enterprise')}</span> <strong>{orgs[0].name}</strong>
					<input type="hidden" name="orgId" value={orgs[0].id} />
				</p>
			) : null}

			<Field meta={fields.title} label={t('project.fields.title')} hint={t('project.fields.title_hint')} maxLength={200} />
			<div className="field">
				<label htmlFor={fields.description.id}>{t('project.fields.description')}</label>
				<textarea {...getTextareaProps(fields.description, { ariaAttributes: true })} rows={6} maxLength={10_000} />
				<small className="hint">{t('project.fields.description_hint')}</small>
				<ErrorList id={fields.description.errorId} errors={fields.description.errors} />
			</div>

			<Choices legend={t('project.fields.type')} errors={fields.type.errors} errorId={fields.type.errorId}>
				{getCollectionProps(fields.type, { type: 'radio', options: [...PROJECT_TYPES] }).map(({ key, ...props }) => (
					<label key={key} htmlFor={props.id} style={optionLabel}>
						<input {...props} style={{ marginTop: 6, flex: '0 0 auto' }} />
						<span>
							<strong>{t(`vocab.project_type.${props.value}`)}</strong>
							<br />
							<small className="hint">{t(`project.fields.type_hint.${props.value}`)}</small>
						</span>
					</label>
				))}
			</Choices>

			<Field meta={fields.villageCodes} label={t('project.fields.village_codes')} hint={t('project.fields.village_codes_hint', { max: MAX_PROJECT_VILLAGES })} inputMode="numeric" />
			<RegionFinder
				finder={finder}
				fixedLevel={5}
				loaderPath={loaderPath}
				onAdd={(code) => form.update({ name: fields.villageCodes.name, value: appendCode(fields.villageCodes.value, code) })}
			/>

			<Field meta={fields.plannedInvestment} label={t('project.fields.planned_investment')} hint={t('project.fields.planned_investment_hint')} inputMode="decimal" maxLength={20} />
			<div className="row">
				<Field meta={fields.permanentJobs} label={t('project.fields.permanent_jobs')} inputMode="numeric" maxLength={10} />
				<Field meta={fields.temporaryJobs} label={t('project.fields.temporary_jobs')} inputMode="numeric" maxLength={10} />
				<Field meta={fields.peopleTrained} label={t('project.fields.people_trained')} inputMode="numeric" maxLength={10} />
			</div>
			<p className="hint" style={{ marginTop: -8 }}>
				{t('project.fields.counts_hint')}
			</p>
			<div className="row">
				<Field meta={fields.startsOn} type="date" label={t('project.fields.starts_on')} />
				<Field meta={fields.endsOn} type="date" label={t('project.fields.ends_on')} />
			</div>
			<p className="hint" style={{ marginTop: -8 }}>
				{t('project.fields.dates_hint')}
			</p>

			<button type="submit" name="intent" value="save" disabled={navigation.state === 'submitting'}>
				{submitLabel}
			</button>
		</Form>
	)
}
