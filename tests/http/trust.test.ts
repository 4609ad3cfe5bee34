import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertBodyAndScheme, insertCertificate, insertOrganisation } from '../support/registry-fixtures.ts';
import { startPortal, type RunningPortal } from '../support/server.ts';

const OPERATOR = {
  PORTAL_OPERATOR: '某某市认证认可协会',
  PORTAL_OPERATOR_CONTACT: '电话 010-12345678',
  PORTAL_ICP_FILING: '京ICP备12345678号-1',
  PORTAL_PUBLIC_SECURITY_FILING: '京公网安备11010502030143号',
};
const NUMBER = 'TCB-SH-24-000301';

let test: TestDatabase;
let configured: RunningPortal;
let unconfigured: RunningPortal;

beforeAll(async () => {
  test = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  await test.db.updateTable('certificationBody').set({ phone: '010-88886666', address: '北京市朝阳区测试路 8 号' }).execute();
  const holder = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
  await insertCertificate(test.db, ground, { number: NUMBER, organisationId: holder });
  [configured, unconfigured] = await Promise.all([startPortal(test, OPERATOR), startPortal(test)]);
});
afterAll(async () => {
  await Promise.all([configured?.stop(), unconfigured?.stop()]);
  await test?.remove();
});

const footerOf = (html: string) => html.slice(html.indexOf('<footer'), html.indexOf('</footer>'));

describe('who runs the site', () => {
  it.each(['/', '/certificates', `/certificates/${NUMBER}`, '/notices', '/no-such-page', '/en/notices'])(
    'is said in the footer of %s, with its filing numbers linked to their registers',
    async (path) => {
      const footer = footerOf(await configured.getText(path, path === '/no-such-page' ? 404 : 200));
      expect(footer).toContain('某某市认证认可协会');
      expect(footer).toContain('电话 010-12345678');
      expect(footer).toContain('<a href="https://beian.miit.gov.cn/" rel="noopener">京ICP备12345678号-1</a>');
      expect(footer).toContain('href="https://beian.mps.gov.cn/#/query/webSearch?code=11010502030143"');
      expect(footer).toContain('href="http://cx.cnca.cn/"');
      expect(footer).toContain('href="https://www.12315.cn/"');
      expect(footer).toContain(`href="${path.startsWith('/en') ? '/en' : ''}/privacy"`);
    },
  );

  it('is said to be unregistered when it is not configured, warning against real personal data', async () => {
    const footer = footerOf(await unconfigured.getText('/'));
    expect(footer).toContain('本站未登记主办单位和备案号');
    expect(footer).not.toContain('ICP备');
  });

  it.each([
    ['/about', '关于本站', '某某市认证认可协会'],
    ['/en/about', 'About this site', '某某市认证认可协会'],
    ['/privacy', '个人信息处理说明', '保存多久'],
    ['/en/privacy', 'How personal information is handled', 'How long it is kept'],
  ])('%s is a page of its own', async (path, heading, text) => {
    const html = await configured.getText(path);
    expect(html).toMatch(new RegExp(`<h1[^>]*>${heading}</h1>`));
    expect(html).toContain(text);
  });
});

describe('the certificate page', () => {
  it('gives the issuing body’s telephone and address, and where to check its approval number', async () => {
    const html = await configured.getText(`/certificates/${NUMBER}`);
    expect(html).toContain('电话：010-88886666');
    expect(html).toContain('地址：北京市朝阳区测试路 8 号');
    expect(html).toMatch(/认证机构的批准号和本证书可在<a href="http:\/\/cx.cnca.cn\/"[^>]*>全国认证认可信息公共服务平台<\/a>核对/);
  });
});
