import { describe, expect, it } from 'vitest';
import { parseCommentForm } from '../../src/lib/domain/comments/form.ts';
import { DomainError } from '../../src/lib/ground/errors.ts';
import { apiError } from '../../src/lib/web/http/errors.ts';
import { localeOfPath, pathWithoutLocale } from '../../src/lib/ground/language/locales.ts';
import { errorMessageFor, MESSAGES } from '../../src/lib/i18n/messages.ts';
import { noticeTitle, noticeTitleEn } from '../../src/lib/domain/notices/labels.ts';

describe('the language of an address', () => {
  it.each([
    ['/', 'zh-CN', '/'],
    ['/certificates/TCB-SH-24-000001', 'zh-CN', '/certificates/TCB-SH-24-000001'],
    // A certificate numbered "en" is still a Chinese page: only the first segment decides.
    ['/certificates/en', 'zh-CN', '/certificates/en'],
    ['/english', 'zh-CN', '/english'],
    ['/en', 'en', '/'],
    ['/en/', 'en', '/'],
    ['/en/notices/3/comments', 'en', '/notices/3/comments'],
  ])('%s is %s, %s without its prefix', (path, locale, unprefixed) => {
    expect(localeOfPath(path)).toBe(locale);
    expect(pathWithoutLocale(path)).toBe(unprefixed);
  });
});

describe('words in each language', () => {
  it('tell a domain error in Chinese or in English', () => {
    const error = new DomainError('unprocessable', 'invalid_uscc', {
      uscc: '91330100799655058C',
      problem: { problem: 'check', expected: 'B', found: 'C' },
    });
    expect(errorMessageFor(error, 'zh-CN')).toBe('91330100799655058C 不是有效的统一社会信用代码：第 18 位校验码应为 B，而不是 C。');
    expect(errorMessageFor(error, 'en')).toBe('91330100799655058C is not a valid USCC: the check character should be B, not C.');
    expect(apiError(error)).toEqual({
      code: 'invalid_uscc',
      message: '91330100799655058C is not a valid USCC: the check character should be B, not C.',
    });
  });

  it('tell people in English what the API tells programs in its own words', () => {
    const error = new DomainError('not_found', 'notice_not_found', { id: '42' });
    expect(errorMessageFor(error, 'zh-CN')).toBe('未找到编号为 42 的公示。');
    expect(errorMessageFor(error, 'en')).toBe('There is no notice 42.');
    expect(apiError(error).message).toBe('No notice has the id 42. List the notices with /api/v1/notices.');
  });

  it('name a notice in each language', () => {
    expect(noticeTitle('杭州某某有限公司', '售后服务认证', 'initial')).toBe('杭州某某有限公司 售后服务认证初次认证公示');
    expect(noticeTitleEn('杭州某某有限公司', '售后服务认证', 'initial')).toBe('杭州某某有限公司 售后服务认证: initial certification notice');
    const notice = { applicant: { name: '杭州某某有限公司' }, scheme: { name: '售后服务认证' }, kind: 'recertification' } as const;
    expect(MESSAGES['zh-CN'].noticeTitle(notice)).toBe('杭州某某有限公司 售后服务认证再认证公示');
    expect(MESSAGES.en.noticeTitle(notice)).toBe('杭州某某有限公司 售后服务认证: re-certification notice');
  });

  it('count in English with singular and plural', () => {
    expect(MESSAGES.en.noticeList.commentCount(1)).toBe('1 comment received');
    expect(MESSAGES.en.noticeList.commentCount(2)).toBe('2 comments received');
    expect(MESSAGES.en.notices.total(1)).toEqual(['', ' notice']);
    expect(MESSAGES.en.notices.total(0)).toEqual(['', ' notices']);
  });

  it('say what is wrong with a comment form in the submitter’s language', () => {
    const form = new FormData();
    for (const [name, value] of Object.entries({ kind: 'praise', text: '太短', name: '张三', contact: '12345', idempotencyKey: 'short' }))
      form.set(name, value);
    const parsed = parseCommentForm(form);
    expect(parsed).toMatchObject({
      outcome: 'invalid',
      fieldProblems: {
        kind: 'kind_missing',
        text: 'text_too_short',
        contact: 'contact_invalid',
        consent: 'consent_missing',
        idempotencyKey: 'form_expired',
      },
    });
    const said = (locale: 'zh-CN' | 'en', field: 'kind' | 'text' | 'contact' | 'consent' | 'idempotencyKey') =>
      parsed.outcome === 'invalid' ? MESSAGES[locale].commentFormProblems[parsed.fieldProblems[field]!] : null;
    expect(said('zh-CN', 'kind')).toBe('请选择意见类型：异议、意见或支持');
    expect(said('zh-CN', 'text')).toBe('意见内容至少 10 个字');
    expect(said('zh-CN', 'contact')).toBe('请填写有效的中国大陆手机号码（11 位）或电子邮箱');
    expect(said('zh-CN', 'consent')).toBe('请阅读并同意个人信息处理说明');
    expect(said('zh-CN', 'idempotencyKey')).toBe('表单已失效，请刷新页面后重新提交');
    expect(said('en', 'kind')).toBe('Choose the kind of comment: objection, opinion or support');
    expect(said('en', 'text')).toBe('The comment needs at least 10 characters');
    expect(said('en', 'contact')).toBe('Enter a valid mainland China mobile number (11 digits) or e-mail address');
    expect(said('en', 'consent')).toBe('Read and accept the statement on personal information');
    expect(said('en', 'idempotencyKey')).toBe('The form has expired: reload the page and submit again');
  });
});
