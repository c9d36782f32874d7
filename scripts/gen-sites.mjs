#!/usr/bin/env node
// Generates rules/sites.yaml (the 632 demo sites of the default rule set) from rules/units.yaml and
// rules/framework.yaml. Deterministic: a fixed-seed PRNG, no clock, no Math.random — rerunning
// reproduces the file byte for byte. After generation, rules/sites.yaml is the maintained artifact:
// edit it by hand; rerunning this script overwrites such edits.
//
//   node scripts/gen-sites.mjs            # writes rules/sites.yaml
//   node scripts/gen-sites.mjs --stdout   # prints it instead
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { hashString, mulberry32 } from './prng.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const units = YAML.parse(readFileSync(join(root, 'rules/units.yaml'), 'utf8')).units;
const framework = YAML.parse(readFileSync(join(root, 'rules/framework.yaml'), 'utf8'));
const categories = framework.categories;
const catById = new Map(categories.map((c) => [c.id, c]));

// ── seeded PRNG ──────────────────────────────────────────────────────────────
const rngFor = (key) => mulberry32(hashString(`civscore-sites-2026.1/${key}`));
const int = (rng, lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = (rng, arr) => arr[Math.floor(rng() * arr.length)];
function shuffle(rng, arr) {
  const a = arr.slice();
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

// ── geography ────────────────────────────────────────────────────────────────
const districts = units.filter((u) => u.group === '城区');
const streets = units.filter((u) => u.group === '街道');
const districtOf = new Map(streets.map((s) => [s.id, s.parent]));
const streetsOf = (d) => streets.filter((s) => s.parent === d).map((s) => s.id);
const stem = (name) => name.replace(/街道$/, '');

const ROADS = {
  J0101: ['人民路', '中山路', '文化路', '胜利街', '鼓楼街'],
  J0102: ['北湖路', '湖心路', '荷花路', '柳岸街', '北湖东路'],
  J0103: ['解放路', '建设路', '和平街', '五一路', '工农路'],
  J0104: ['新华路', '光明路', '青年路', '健康路', '友谊街'],
  J0105: ['湖滨路', '环湖北路', '望湖路', '渔港街', '湖光路'],
  J0201: ['南门大街', '府前街', '仓前街', '书院路', '南关路'],
  J0202: ['城南路', '南环路', '桂花路', '长安街', '永安路'],
  J0203: ['文昌路', '学府路', '育才路', '状元街', '墨池路'],
  J0204: ['青石桥路', '石板街', '河埠路', '古井街', '桥东路'],
  J0301: ['东江大道', '江东路', '迎宾路', '东门街', '兴业路'],
  J0302: ['滨江路', '沿江大道', '码头街', '江汉路', '观澜路'],
  J0303: ['东风路', '红旗路', '机械路', '纺织路', '厂前街'],
  J0304: ['望江路', '江月路', '潮音街', '望江北路', '通江路'],
  J0401: ['西山路', '西环路', '松林路', '枫林街', '山前路'],
  J0402: ['金沙路', '金沙江路', '沙河街', '金桥路', '淘金路'],
  J0403: ['凤凰路', '凤鸣街', '梧桐路', '栖凤路', '凤山路'],
  J0404: ['龙泉路', '龙井街', '泉水路', '龙华路', '清泉街'],
  J0501: ['科创大道', '创新路', '创业路', '智慧路', '数港路'],
  J0502: ['高新大道', '高新二路', '银杏路', '科技路', '软件园路'],
  J0503: ['云谷大道', '云栖路', '谷雨路', '云海路', '星辰路'],
  J0601: ['临港大道', '港湾路', '海关路', '渔人街', '灯塔路'],
  J0602: ['港城路', '货运路', '保税路', '集装箱路', '港前街'],
  J0603: ['海棠路', '海棠湾街', '玉兰路', '丁香路', '紫薇街'],
  J0604: ['新港大道', '新港西路', '海安路', '潮汐路', '盐场路'],
};
for (const s of streets) if (!ROADS[s.id]) throw new Error(`no roads for street ${s.id}`);
const roadStem = (r) => r.replace(/(大道|大街|路|街)$/, '');

const ALLEYS = ['仓前巷', '柴市巷', '磨坊巷', '油坊巷', '铁匠巷', '豆腐巷', '双井巷', '三元巷', '百花巷', '石榴巷',
  '槐树巷', '杨柳巷', '竹竿巷', '棉花巷', '马家巷', '王家巷', '刘家巷', '陈家巷', '周家巷', '黄家巷',
  '何家巷', '谢家巷', '罗家巷', '高家巷', '唐家巷', '宋家巷', '胡家巷', '曹家巷', '吉祥里', '安乐里',
  '福寿里', '平安里', '永宁里', '太平里', '仁和里', '德胜里', '兴隆里', '长乐里', '五福里', '同心里',
  '和顺里', '金鱼巷', '打铜巷', '米市巷', '盐仓巷', '箭道巷', '水井巷', '樟树巷', '织布巷', '染坊巷',
  '学堂巷', '草鞋巷', '灯笼巷', '糖坊巷', '鱼市巷', '花牌坊巷'];
const ESTATE_PRE = ['锦绣', '阳光', '翠湖', '金域', '紫荆', '御景', '春晖', '丽景', '枫林', '书香', '星河', '海悦',
  '云栖', '江岸', '滨湖', '观澜', '香樟', '绿城', '和园', '盛世', '泰和', '东方', '世纪', '天悦', '怡景', '雅居',
  '君悦', '明珠', '金色', '半岛', '学府', '湖畔', '尚城', '悦府', '馨园', '康乐', '福星', '瑞景', '宏达', '鑫苑',
  '长城', '金桂', '兰亭', '清水湾', '碧水', '凯旋', '锦华', '银湖'];
const ESTATE_SUF = ['花园', '家园', '小区', '苑', '名都', '华庭', '公馆', '雅苑', '嘉园', '新城'];
const FACTORIES = ['纺织厂', '机械厂', '棉纺厂', '卷烟厂', '自来水公司', '第二建筑公司', '粮食局', '供销社', '电厂', '钢铁厂',
  '化肥厂', '印刷厂', '针织厂', '食品厂', '汽修厂', '搪瓷厂', '供电局', '铁路', '邮电局', '糖厂', '造纸厂', '农机厂'];
const VILLAGES = { D04: ['王家湾村', '李家坝村', '石桥村', '柳树村'], D05: ['杨庄村', '何家营村', '白沙村'],
  D06: ['黄泥塘村', '新塘村', '沙湾村'] };
const FRINGES = { D04: ['西环路外片区', '金沙江路北延线片区'], D05: ['高新南片区', '云谷西片区'],
  D06: ['临港物流园片区', '新港东片区'] };
const RESTAURANTS = ['老街坊面馆', '云江大酒楼', '湘味小厨', '蜀香园火锅', '李记包子铺', '回味小吃店', '德顺楼饭店',
  '江鲜馆', '鸿运酒家', '刘记米粉店', '老城根饺子馆', '福满楼', '好再来餐馆', '聚贤楼', '一品香快餐',
  '张记烧烤', '海棠小馆', '渔家乐饭庄', '桂花楼茶餐厅', '老码头火锅'];
const SMALL_SHOP_NAMES = ['顺发', '兴旺', '美佳', '丽人', '康宁', '好运', '万福', '金鑫', '益民', '新新', '四季',
  '福来', '佳佳', '恒信', '安康', '永盛'];
const SMALL_SHOP_KINDS = ['便利店', '理发店', '诊所', '小旅馆', '小吃店', '美容美发店', '五金店', '干洗店'];
const SCHOOLS = ['云江市第一中学', '云江市实验中学', '北湖小学', '人民路小学', '文昌小学', '东江中学', '滨江实验学校',
  '西山中学', '凤凰小学', '科创实验小学', '临港中学', '海棠小学', '解放路小学', '城南中学', '青石桥小学',
  '东风小学', '龙泉中学', '金沙小学', '云谷学校', '新港小学', '湖滨小学', '望江中学'];

// Named sites: [name, district (or street) it belongs to]
const NAMED = {
  C08: [['云江站', 'J0103'], ['云江东站', 'J0501']],
  C09: [['云江汽车客运中心站', 'D01'], ['城南汽车客运站', 'J0202'], ['临港汽车客运站', 'D06']],
  C20: [['云江古城景区', 'J0201'], ['北湖风景区', 'J0102'], ['西山森林公园景区', 'J0401'], ['滨江风光带', 'J0302'],
    ['凤凰山景区', 'J0403']],
  C21: [['人民公园', 'J0101'], ['北湖公园', 'J0102'], ['中山公园', 'D01'], ['文昌公园', 'J0203'], ['青石桥遗址公园', 'J0204'],
    ['东江湿地公园', 'J0301'], ['望江公园', 'J0304'], ['西山公园', 'J0401'], ['金沙公园', 'J0402'], ['龙泉山公园', 'J0404'],
    ['科创公园', 'J0501'], ['云谷体育公园', 'J0503'], ['海棠公园', 'J0603'], ['临港公园', 'J0601']],
  C22: [['人民广场', 'J0101'], ['云江站站前广场', 'J0103'], ['市民广场', 'D03'], ['文化广场', 'D02'], ['滨江广场', 'J0302'],
    ['凤凰广场', 'J0403'], ['高新中央广场', 'J0502'], ['临港广场', 'J0601'], ['龙泉广场', 'J0404']],
  C26: [['云江市第一人民医院', 'D01'], ['云江市第二人民医院', 'D03'], ['云江市中医院', 'D02'], ['云江市妇幼保健院', 'D01'],
    ['北湖区人民医院', 'D01'], ['南城区人民医院', 'D02'], ['东江区人民医院', 'D03'], ['西山区人民医院', 'D04'],
    ['高新区人民医院', 'D05'], ['临港区人民医院', 'D06']],
  C28: [['北湖区政务服务中心', 'D01'], ['南城区政务服务中心', 'D02'], ['东江区政务服务中心', 'D03'],
    ['西山区政务服务中心', 'D04'], ['高新区政务服务中心', 'D05'], ['临港区政务服务中心', 'D06']],
  C35: [['云江市图书馆', 'D01'], ['云江市博物馆', 'D02'], ['云江市文化馆', 'D01'], ['东江区图书馆', 'D03'], ['临港区文化馆', 'D06']],
  C36: [['北湖区全民健身中心', 'D01'], ['西山区体育馆', 'D04'], ['高新区全民健身中心', 'D05']],
  C39: [['云江市青少年宫', 'D02'], ['云江市少年儿童活动中心', 'D01'], ['东江区青少年活动中心', 'D03'],
    ['临港区青少年校外活动中心', 'D06']],
  C40: [['云江革命烈士陵园', 'J0401'], ['云江市党史馆', 'D01'], ['东江抗战纪念馆', 'D03'], ['临港海防纪念馆', 'J0601']],
  C19: [['云江国际大酒店', 'D01'], ['湖滨度假酒店', 'J0105'], ['南门宾馆', 'J0201'], ['东江饭店', 'D03'], ['金沙大酒店', 'J0402'],
    ['高新智选酒店', 'D05'], ['港城商务酒店', 'J0602'], ['凤凰宾馆', 'J0403']],
  C31: SCHOOLS.slice(0, 12).map((n, i) => [n, ['D01', 'D01', 'J0104', 'J0101', 'J0203', 'D03', 'J0302', 'J0401', 'J0403', 'J0501', 'J0601', 'J0603'][i]]),
  C33: [['启明星艺术培训学校', 'D01'], ['博雅书法培训中心', 'D02'], ['小天鹅舞蹈培训学校', 'D03'], ['新思维科技培训中心', 'D05'],
    ['晨光美术培训学校', 'D04'], ['乐动体育培训中心', 'D06']],
  C34: [['极速网咖', 'D01'], ['星际网咖', 'D02'], ['电竞天空网咖', 'D03'], ['蓝海网咖', 'D04'], ['飞跃网咖', 'D05'], ['零点网咖', 'D06']],
  C29: [['中国移动北湖营业厅', 'D01'], ['中国电信南门营业厅', 'D02'], ['中国联通东江营业厅', 'D03'], ['中国移动西山营业厅', 'D04'],
    ['中国电信高新营业厅', 'D05'], ['中国联通临港营业厅', 'D06']],
  C30: [['云江供电公司北湖营业厅', 'D01'], ['云江自来水公司城南营业厅', 'D02'], ['云江供电公司东江营业厅', 'D03'],
    ['云江自来水公司临港营业厅', 'D06']],
  C10: [['云江站公共停车场', 'J0103']],
  C23: [['人民公园公厕', 'J0101']],
  C16: [['云江百货大楼', 'J0101'], ['北湖购物中心', 'D01'], ['南门商厦', 'J0201'], ['惠民超市（城南店）', 'J0202'],
    ['东江购物广场', 'J0301'], ['家家福超市（东风店）', 'J0303'], ['西山商业中心', 'J0401'], ['惠民超市（龙泉店）', 'J0404'],
    ['科创万汇城', 'J0501'], ['云谷生活广场', 'J0503'], ['临港购物中心', 'J0601'], ['家家福超市（海棠店）', 'J0603'],
    ['金沙购物广场', 'J0402'], ['湖滨商业广场', 'J0105']],
};
// Sites answered for directly by a department (unit = a 市直单位).
const DEPT_SITES = {
  C06: { unit: 'B04', names: ['1路公交车', '2路公交车', '5路公交车', '8路公交车', '11路公交车', '16路公交车', '23路公交车',
    '31路公交车', '45路公交车', 'K1路公交车', 'K2路公交车', '旅游1线公交车'] },
  C07: { unit: 'B04', names: ['云江出租汽车公司第一车队', '云江出租汽车公司第二车队', '江城出租汽车公司', '顺达出租汽车公司',
    '安途出租汽车公司', '金桥出租汽车公司', '临港出租汽车公司', '高新出租汽车公司'] },
  C28: { unit: 'B15', names: ['云江市市民服务中心'] },
  C36: { unit: 'B14', names: ['云江市体育中心'] },
};
const DEPT_ADDR = {
  '1路公交车': '公交集团第一分公司（北湖路88号停保场）', '2路公交车': '公交集团第一分公司（北湖路88号停保场）',
  '5路公交车': '公交集团第二分公司（南环路200号停保场）', '8路公交车': '公交集团第二分公司（南环路200号停保场）',
  '11路公交车': '公交集团第三分公司（东江大道516号停保场）', '16路公交车': '公交集团第三分公司（东江大道516号停保场）',
  '23路公交车': '公交集团第四分公司（西环路66号停保场）', '31路公交车': '公交集团第四分公司（西环路66号停保场）',
  '45路公交车': '公交集团第五分公司（临港大道1号停保场）', 'K1路公交车': '公交集团快线分公司（云谷大道9号）',
  'K2路公交车': '公交集团快线分公司（云谷大道9号）', '旅游1线公交车': '公交集团旅游专线（云江古城东门首末站）',
  '云江出租汽车公司第一车队': '解放路108号', '云江出租汽车公司第二车队': '城南路56号', '江城出租汽车公司': '东风路19号',
  '顺达出租汽车公司': '西环路231号', '安途出租汽车公司': '江东路77号', '金桥出租汽车公司': '金桥路12号',
  '临港出租汽车公司': '港湾路3号', '高新出租汽车公司': '创业路45号',
  '云江市市民服务中心': '迎宾路1号', '云江市体育中心': '东江大道888号',
};
const NAMED_ADDR = { 人民公园公厕: '人民路人民公园东门内', 云江站公共停车场: '解放路云江站站前广场地下',
  云江站站前广场: '解放路1号云江站南侧', 云江站: '解放路1号', 云江东站: '科创大道1号' };
// A few sites whose 牵头单位 differs from their category's.
const SITE_LEADS = { 云江站站前广场: 'B04', 人民公园公厕: 'B12', 云江站公共停车场: 'B04' };

// How many sites per category, and which streets may host the generated ones.
const ALL = streets.map((s) => s.id);
const inDistricts = (...ds) => streets.filter((s) => ds.includes(s.parent)).map((s) => s.id);
const PLAN = {
  C01: [56, ALL], C02: [16, ALL], C03: [56, ALL], C04: [27, ALL], C05: [40, ALL], C10: [9, ALL],
  C11: [48, ALL], C12: [32, inDistricts('D01', 'D02', 'D03', 'D04')], C13: [0], C14: [0], C15: [24, ALL],
  C17: [20, ALL], C18: [16, ALL], C23: [19, ALL], C24: [12, inDistricts('D03', 'D04', 'D05', 'D06')],
  C25: [8, ALL], C27: [10, ALL], C32: [20, ALL], C37: [24, ALL], C38: [12, ALL], C41: [12, ALL], C42: [10, ALL],
};

// ── helpers that make names ─────────────────────────────────────────────────
const used = new Set();
function unique(name, alt) {
  if (!used.has(name)) { used.add(name); return name; }
  for (const a of alt) if (!used.has(a)) { used.add(a); return a; }
  for (let i = 2; ; i++) { const n = `${name}（${i}）`; if (!used.has(n)) { used.add(n); return n; } }
}
const streetCursor = new Map(); // round-robin per street over its roads
function roadOf(street, rng) {
  const roads = ROADS[street];
  const k = streetCursor.get(street) ?? Math.floor(rng() * roads.length);
  streetCursor.set(street, k + 1);
  return roads[k % roads.length];
}
const no = (rng, lo = 1, hi = 299) => `${int(rng, lo, hi)}号`;
const CN_NUM = ['一', '二', '三', '四', '五', '六', '七', '八', '九'];
function communities(street) { return ROADS[street].map((r) => `${roadStem(r)}社区`); }
function streetForDistrict(rng, where) {
  return where.startsWith('J') ? where : pick(rng, streetsOf(where));
}

// ── generate ─────────────────────────────────────────────────────────────────
const out = []; // { category, name, unit, address, lead? }
function add(category, name, unit, address) {
  const s = { category, name, unit, address };
  if (SITE_LEADS[name]) s.lead = SITE_LEADS[name];
  out.push(s);
}

for (const cat of categories) {
  const id = cat.id;
  const rng = rngFor(id);
  const plan = PLAN[id];
  if (DEPT_SITES[id]) for (const n of DEPT_SITES[id].names) add(id, unique(n, []), DEPT_SITES[id].unit, DEPT_ADDR[n]);
  if (NAMED[id]) {
    for (const [n, where] of NAMED[id]) {
      const st = streetForDistrict(rng, where);
      const addr = `${roadOf(st, rng)}${no(rng, 1, 399)}`;
      add(id, unique(n, []), st, NAMED_ADDR[n] ?? addr);
    }
  }
  if (id === 'C13') for (const [d, vs] of Object.entries(VILLAGES)) for (const v of vs) {
    const st = pick(rng, streetsOf(d)); add(id, unique(v, []), st, `${roadOf(st, rng)}以${pick(rng, ['东', '西', '南', '北'])}${v}`);
  }
  if (id === 'C14') for (const [d, vs] of Object.entries(FRINGES)) for (const v of vs) {
    const st = pick(rng, streetsOf(d)); add(id, unique(v, []), st, `${roadOf(st, rng)}沿线`);
  }
  if (!plan || plan[0] === 0) continue;
  const [n, eligible] = plan;
  const order = shuffle(rng, eligible);
  for (let i = 0; i < n; i++) {
    const st = order[i % order.length];
    const round = Math.floor(i / order.length);
    const roads = ROADS[st];
    let name; let address;
    switch (id) {
      case 'C01': { // road segment between two cross roads of the same street
        const r = roads[(round * 2 + int(rng, 0, 4)) % 5];
        const others = roads.filter((x) => x !== r);
        const a = pick(rng, others); const b = pick(rng, others.filter((x) => x !== a));
        name = unique(`${r}（${a}至${b}段）`, [`${r}（${b}至${a}段）`]);
        address = `${r}${a}口至${b}口`;
        break;
      }
      case 'C02': {
        const r = roadOf(st, rng);
        const kind = pick(rng, ['步行街', '商业街', '美食街', '夜市街']);
        name = unique(`${roadStem(r)}${kind}`, [`${stem(streets.find((s) => s.id === st).name)}${kind}`]);
        address = `${r}${int(rng, 1, 60)}号至${int(rng, 61, 240)}号`;
        break;
      }
      case 'C03': {
        const r = roadOf(st, rng);
        name = unique(ALLEYS[(hashString(st) + i * 7) % ALLEYS.length], ALLEYS.concat(CN_NUM.map((c) => `${r}${c}巷`)));
        address = `${r}${pick(rng, ['东侧', '西侧', '南侧', '北侧'])}（${name}全段）`;
        break;
      }
      case 'C04': {
        const a = roads[(i + round) % 5]; const b = roads[(i + round + 1 + int(rng, 0, 2)) % 5];
        name = unique(`${a}与${b}交叉口`, [`${b}与${a}交叉口`, `${a}与${roads[(i + 4) % 5]}交叉口`]);
        address = `${a}与${b}交叉口`;
        break;
      }
      case 'C05': {
        const a = roadOf(st, rng); const b = pick(rng, roads.filter((x) => x !== a));
        name = unique(`${a}${roadStem(b)}口公交站`, [`${b}${roadStem(a)}口公交站`, `${a}中段公交站`, `${b}中段公交站`]);
        address = `${a}与${b}交叉口${pick(rng, ['东', '西', '南', '北'])}侧`;
        break;
      }
      case 'C10': {
        const r = roadOf(st, rng);
        name = unique(`${roadStem(r)}公共停车场`, [`${r}${CN_NUM[round]}号公共停车场`]);
        address = `${r}${no(rng)}`;
        break;
      }
      case 'C11': {
        const pre = ESTATE_PRE[(i * 11 + int(rng, 0, 3)) % ESTATE_PRE.length];
        const suf = ESTATE_SUF[int(rng, 0, ESTATE_SUF.length - 1)];
        name = unique(`${pre}${suf}`, ESTATE_SUF.map((x) => `${pre}${x}`));
        address = `${roadOf(st, rng)}${no(rng)}`;
        break;
      }
      case 'C12': {
        const r = roadOf(st, rng);
        if (rng() < 0.55) {
          const f = FACTORIES[(i * 5 + int(rng, 0, 2)) % FACTORIES.length];
          name = unique(`${f}${pick(rng, ['宿舍区', '家属院'])}`, [`${f}宿舍区`, `${f}家属院`, `${f}职工宿舍`]);
        } else {
          name = unique(`${roadStem(r)}新村`, [`${r}${int(rng, 2, 160)}号院`]);
        }
        address = `${r}${no(rng)}`;
        break;
      }
      case 'C15': {
        const r = roadOf(st, rng);
        name = unique(round === 0 ? `${stem(streets.find((s) => s.id === st).name)}农贸市场` : `${roadStem(r)}农贸市场`,
          [`${roadStem(r)}农贸市场`, `${r}菜市场`]);
        address = `${r}${no(rng)}`;
        break;
      }
      case 'C17': {
        name = unique(RESTAURANTS[i % RESTAURANTS.length], []);
        address = `${roadOf(st, rng)}${no(rng)}`;
        break;
      }
      case 'C18': {
        name = unique(`${SMALL_SHOP_NAMES[i % SMALL_SHOP_NAMES.length]}${SMALL_SHOP_KINDS[i % SMALL_SHOP_KINDS.length]}`, []);
        address = `${roadOf(st, rng)}${no(rng)}`;
        break;
      }
      case 'C23': {
        const r = roadOf(st, rng);
        name = unique(`${r}公厕`, [`${r}${CN_NUM[1]}号公厕`, `${r}${CN_NUM[2]}号公厕`]);
        address = `${r}${no(rng)}旁`;
        break;
      }
      case 'C24': {
        const r = roadOf(st, rng);
        const kind = pick(rng, ['安置房项目', '道路改造工程', '学校新建工程', '商住楼项目', '地铁站项目', '管网改造工程']);
        name = unique(`${roadStem(r)}${kind}工地`, [`${r}${kind}二期工地`]);
        address = `${r}${kind === '道路改造工程' ? '全段' : no(rng)}`;
        break;
      }
      case 'C25': {
        const rivers = { D01: ['北湖渠'], D02: ['南护城河'], D03: ['东沙河'], D04: ['西山溪', '金沙河', '龙泉河'],
          D05: ['云溪河'], D06: ['临港河'] }[districtOf.get(st)];
        const rv = st === 'J0402' ? '金沙河' : st === 'J0404' ? '龙泉河' : rivers[0];
        name = unique(`${rv}（${stem(streets.find((s) => s.id === st).name)}段）`, []);
        address = `${roadOf(st, rng)}沿河段`;
        break;
      }
      case 'C27': {
        const r = roadOf(st, rng);
        name = unique(`${pick(rng, ['云江银行', '云江农商银行'])}${roadStem(r)}支行`, [`云江银行${roadStem(r)}支行`, `云江农商银行${roadStem(r)}支行`]);
        address = `${r}${no(rng)}`;
        break;
      }
      case 'C32': {
        const own = NAMED.C31.filter(([, w]) => w === st).map(([n2]) => n2);
        const r = roadOf(st, rng);
        const school = own[round] ?? `${roadStem(r)}${pick(rng, ['小学', '中学', '实验小学'])}`;
        name = unique(`${school}周边`, [`${roadStem(r)}小学周边`, `${roadStem(r)}中学周边`]);
        address = `${school}校门两侧200米范围`;
        break;
      }
      case 'C37': {
        const sn = streets.find((s) => s.id === st).name;
        name = unique(`${sn}新时代文明实践所`, []);
        address = `${roadOf(st, rng)}${no(rng)}（${sn}办事处）`;
        break;
      }
      case 'C38': case 'C41': case 'C42': {
        const com = communities(st)[(round + int(rng, 0, 4)) % 5];
        const kind = { C38: '社区综合文化服务中心', C41: '学雷锋志愿服务站', C42: '道德讲堂' }[id];
        name = unique(`${com}${id === 'C38' ? kind.replace(/^社区/, '') : kind}`, communities(st).map((c) => `${c}${kind.replace(/^社区/, '')}`));
        address = `${roadOf(st, rng)}${no(rng)}（${com}党群服务中心）`;
        break;
      }
      default: throw new Error(`no generator for ${id}`);
    }
    add(id, name, st, address);
  }
}

// ── check and write ──────────────────────────────────────────────────────────
const counts = new Map();
for (const s of out) counts.set(s.category, (counts.get(s.category) ?? 0) + 1);
for (const c of categories) if (!counts.get(c.id)) throw new Error(`category ${c.id} has no site`);
if (out.length !== 632) throw new Error(`expected 632 sites, got ${out.length}`);

const PLAIN = /^[^\s\-?:,[\]{}#&*!|>'"%@`0-9][^,[\]{}#]*$/;
function scalar(s) {
  s = String(s);
  const plain = PLAIN.test(s) || (/^[0-9]/.test(s) && /[^\x00-\x7f]/.test(s) && /^[^,[\]{}#]*$/.test(s));
  if (plain && !/:\s|:$|\s$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s)) return s;
  return JSON.stringify(s);
}
const lines = [
  '# 云江市文明城市模拟测评 · 测评点位（632 个）',
  '# Sites of the default rule set. One line per site: { id, name, category, unit, address } (+ lead).',
  '# unit = 责任单位 (usually a 街道), lead = 牵头单位 when it differs from the category\'s lead.',
  '# First generated by scripts/gen-sites.mjs; this file is the maintained list — edit it by hand',
  '# (rerunning the script overwrites hand edits). New sites: append with the next free id.',
  '',
  'sites:',
];
let n = 0;
let current = null;
for (const s of out) {
  if (s.category !== current) {
    current = s.category;
    const c = catById.get(current);
    lines.push(`  # ── ${c.id} ${c.name}（${counts.get(c.id)}）──`);
  }
  n++;
  const id = `S${String(n).padStart(4, '0')}`;
  const fields = [`id: ${id}`, `name: ${scalar(s.name)}`, `category: ${s.category}`, `unit: ${s.unit}`, `address: ${scalar(s.address)}`];
  if (s.lead) fields.push(`lead: ${s.lead}`);
  lines.push(`  - { ${fields.join(', ')} }`);
}
const text = lines.join('\n') + '\n';

// round-trip check: the YAML must parse back to exactly what was generated
const back = YAML.parse(text).sites;
back.forEach((b, i) => {
  const s = out[i];
  if (b.name !== s.name || b.address !== s.address || b.unit !== s.unit || b.category !== s.category || (b.lead ?? null) !== (s.lead ?? null)) {
    throw new Error(`round-trip mismatch at ${b.id}: ${JSON.stringify(b)} vs ${JSON.stringify(s)}`);
  }
});

if (process.argv.includes('--stdout')) process.stdout.write(text);
else { writeFileSync(join(root, 'rules/sites.yaml'), text); process.stderr.write(`wrote rules/sites.yaml (${out.length} sites)\n`); }
