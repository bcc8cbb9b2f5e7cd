import "server-only";
/**
 * Words that decide what a capitalised word or a number next to them is. Kept apart from any
 * test corpus: these are the clinical conventions the detector relies on, not a list of
 * expected answers. Structure does most of the work: a capitalised word before a clinical
 * head noun ("Hunter syndrome", "Berg Balance Scale") is an eponym, a word before a dose is a
 * drug, a number after a code-system name is a code.
 */
const set = (...words: string[]) => new Set(words.map((word) => word.toLowerCase()));

/** Nouns that make the capitalised words before them an eponym or a named instrument. */
export const CLINICAL_HEAD_NOUNS = set(
  ..."syndrome syndromes disease diseases disorder sign signs score scores scale scales test tests maneuver manoeuvre procedure operation repair catheter catheters palsy sarcoma lymphoma leukemia leukaemia tumor tumour carcinoma esophagus oesophagus fracture cyst cysts contracture gait respiration breathing encephalopathy thyroiditis phenomenon monitor monitoring criteria classification stage stages class index inventory questionnaire assessment examination exam reflex node nodes triad ulcer fundoplication incision position tube needle forceps retractor block bodies body cells cell law curve equation formula ratio method technique approach loop duct gland canal space membrane ligament aphasia anomaly malformation dystrophy ataxia chorea neuralgia neuroma tremor lesion spots nodule nodules sclerosis arteritis granulomatosis purpura anemia anaemia myopathy neuropathy sarcoidosis hernia diverticulum pouch valve shunt stent pump line bag mask device splint brace collar frame cast regimen protocol therapy diet zone area point points phase effect response rule rules staging grade grading walk".split(
    " ",
  ),
);

/** Eponyms used on their own ("history of Parkinson's", "Apgar 9"). */
export const STANDALONE_EPONYMS = set(
  ..."parkinson parkinsons alzheimer alzheimers crohn crohns hodgkin hodgkins graves cushing cushings addison addisons raynaud raynauds sjogren sjögren tourette tourettes asperger aspergers hashimoto hashimotos paget pagets barrett barretts bell bells down downs huntington huntingtons gleason apgar glasgow mallampati tanner karnofsky kaposi ewing wilms burkitt lyme foley holter".split(
    " ",
  ),
);

/** Scores, tests and abbreviations written in capitals or mixed case that are never names. */
export const CLINICAL_ABBREVIATIONS = set(
  ..."i ii iii iv v vi vii viii ix x xi xii ecog nyha mmse gcs nihss phq gad cha2ds2 vasc has bled apache sofa moca kps curb fev1 fvc bmi bp hr rr spo2 sao2 hba1c a1c egfr inr tsh ldl hdl alt ast crp esr cbc bmp cmp ecg ekg eeg emg mri ct pet cxr icu ed er or pacu nicu picu copd chf cad dm t2dm t1dm htn ckd esrd afib mi cva tia dvt pe uti gerd ibd ibs ra sle ms als hiv hcv hbv tb mac afb mrsa vre covid sars ards pt ot slp np pa rn md do dds phd iv im sc po prn bid tid qid qd qhs hs ac pc npo stat sob cp n/v abd neuro psych ortho gi gu ent ob gyn peds onc rx dx hx tx sx fx bx".split(
    " ",
  ),
);

/** Units written after a number; a column header with one of these holds measurements. */
export const UNITS = set(
  ..."mg mcg µg ug g kg lb lbs oz ml mL l dl dL cl µl ul mmol µmol umol nmol pmol mol meq mEq iu IU u units unit mm hg cm m km in inch inches ft mmhg cmh2o kpa bpm min mins sec secs s h hr hrs hours day days d wk wks weeks week mo months month y yr yrs years year pct percent % x109 cells/ul cells/µl mg/dl mg/dL mmol/l g/dl ng/ml pg/ml µg/l iu/l u/l ml/min ml/min/1.73m2 kg/m2 celsius fahrenheit °c °f c f".split(
    " ",
  ),
);

/** Names of code systems: the number after one is a code, not an identifier. */
export const CODE_SYSTEM_LABELS = set(
  ..."snomed sct sctid snomedct loinc icd icd9 icd10 icd-10 icd-9 icd-10-cm icd-10-pcs icd-o rxnorm rxcui ndc cpt hcpcs atc meddra mesh umls cui hgnc omim orphanet hpo drg ccs gtin".split(
    " ",
  ),
);

/** Generic drug stems (USAN/INN suffixes): a word ending so is a drug, not a name. */
export const DRUG_SUFFIXES = [
  "mab",
  "nib",
  "tinib",
  "ciclib",
  "parib",
  "pril",
  "sartan",
  "olol",
  "alol",
  "dipine",
  "statin",
  "gliflozin",
  "gliptin",
  "glutide",
  "tide",
  "azole",
  "conazole",
  "cillin",
  "cycline",
  "mycin",
  "micin",
  "floxacin",
  "oxacin",
  "vir",
  "navir",
  "previr",
  "buvir",
  "parin",
  "xaban",
  "gatran",
  "grel",
  "oxetine",
  "triptyline",
  "pramine",
  "azepam",
  "azolam",
  "zolam",
  "done",
  "codone",
  "morphone",
  "pine",
  "apine",
  "idone",
  "peridol",
  "setron",
  "prazole",
  "tidine",
  "sone",
  "olone",
  "asone",
  "nide",
  "terol",
  "tropium",
  "lukast",
  "afil",
  "zosin",
  "semide",
  "thiazide",
  "formin",
  "glinide",
  "caine",
  "profen",
  "oxib",
  "coxib",
  "lumab",
  "zumab",
  "ximab",
  "umab",
  "cept",
  "kinra",
  "limus",
  "dronate",
  "platin",
  "rubicin",
  "taxel",
  "tecan",
  "trexate",
  "uridine",
  "vudine",
  "fovir",
  "mivir",
  "tegravir",
  "citabine",
  "barbital",
  "triptan",
  "gabalin",
  "pentin",
  "amide",
  "iramine",
  "tadine",
  "fenac",
  "lamide",
  "onium",
  "curium",
  "flurane",
  "vastatin",
];

/** Words right before a drug name ("started Eliquis", "on Keytruda"). */
export const DRUG_CONTEXT = set(
  ..."started starting start on taking takes take took continue continued continuing restart restarted stop stopped stopping held hold increase increased decrease decreased switched switch prescribed prescribe given give refill refills dose dosed titrate titrated initiated discontinued tolerating tolerates trial infusion infusions injection injections tablet tablets".split(
    " ",
  ),
);

export const MONTHS = set(
  ..."january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec".split(
    " ",
  ),
);
export const WEEKDAYS = set(
  ..."monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun".split(
    " ",
  ),
);

export const US_STATES = new Set(
  "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR GU VI AS MP".split(
    " ",
  ),
);
export const US_STATE_PATTERN = [...US_STATES].join("|");

/** Titles and relations: the capitalised words after one are a person's name. */
export const NAME_CUES = set(
  ..."mr mrs ms miss mx dr doctor prof professor sir dame madam madame rev pt patient nurse sister brother wife husband son daughter mother father mom mum dad spouse partner friend neighbor neighbour aunt uncle niece nephew cousin grandson granddaughter grandmother grandfather grandma grandpa caregiver carer guardian fiancé fiancée fiance fiancee boyfriend girlfriend colleague roommate landlord landlady employer stepson stepdaughter stepmother stepfather sibling twin herr frau monsieur mme mlle señor señora sr sra signor signora pan pani dhr mevr".split(
    " ",
  ),
);
/** Cues that need the word after them to look like a name as well. */
export const WEAK_NAME_CUES = set(..."by with from per attn cc named called and or to".split(" "));

/** Words that make the capitalised words after them a place. */
export const PLACE_CUES = set(
  ..."in to from of near at moved lives living resides resident hometown born relocated visiting visited travelled traveled".split(
    " ",
  ),
);
export const PLACE_CUE_PHRASES = [
  "lives in",
  "living in",
  "moved to",
  "moved from",
  "relocated to",
  "resident of",
  "resides in",
  "born in",
  "native of",
  "hometown",
  "from the town of",
  "visiting from",
  "travelled to",
  "traveled to",
  "near",
];

/** Words before a date that make a bare day/month such as "3/9" a date. */
export const DATE_CUES = set(
  ..."on since until till from admitted admission discharged discharge seen visit visited dated date dob born died death deceased surgery operated procedure onset diagnosed dx last next due scheduled appointment appt returned return presented referred recorded check-in checkin follow-up followup fu before after".split(
    " ",
  ),
);
export const BIRTH_CUES = set(..."born birth dob b. b birthdate birthday".split(" "));

/** Street types in several languages, as words and as endings of one word ("Hauptstraße"). */
export const STREET_TYPES = set(
  ..."street st str road rd avenue ave av lane ln drive dr boulevard blvd court ct courts place pl terrace ter circle cir way parkway pkwy highway hwy square sq alley allee arcade bend bluff branch bridge brook bypass causeway center centre cliff close common commons corner cove creek crescent crest crossing crossroad curve dale divide estate expressway extension ext falls ferry field fields flat flats ford forest forge fork freeway garden gardens gateway glen green grove harbor harbour haven heights hill hills hollow inlet island isle junction key knoll lake landing light loaf lock lodge loop mall manor meadow meadows mews mill mission motorway mount mountain neck orchard oval overpass park parks pass passage path pike pine pines plain plains plaza point port prairie ramp ranch rapids rest ridge river route row rue run shoal shore shores skyway spring springs spur station stravenue stream summit throughway trace track trafficway trail tunnel turnpike underpass union valley viaduct view village ville vista walk wall wells wharf wynd gate gardens rise chase vale".split(
    " ",
  ),
  ..."strada contrada rotonda borgo salita lungomare traversa via viale piazza corso vicolo largo calle avenida carrera plaza paseo camino rua travessa praça praca alameda rodovia estrada boulevard chemin allée allee impasse quai cours voie sentier chaussée chaussee cité cite ulica ul al aleja plac osiedle straße strasse weg gasse platz ring damm ufer chaussee steig pfad straat laan gracht plein kade singel dreef gatan vägen vagen gränd torget stig sokak sokağı caddesi cad bulvarı mahallesi mah".split(
    " ",
  ),
);
export const STREET_ENDINGS = [
  "straße",
  "strasse",
  "str.",
  "weg",
  "gasse",
  "platz",
  "allee",
  "ring",
  "damm",
  "ufer",
  "straat",
  "laan",
  "gracht",
  "plein",
  "gatan",
  "vägen",
  "vagen",
  "gränd",
  "torget",
  "stig",
  "veien",
  "vej",
  "gade",
];
/** Street types that come before the street's name ("Via Roma 12", "Rue de Rivoli"). */
export const LEADING_STREET_TYPES = set(
  ..."strada contrada rotonda borgo salita lungomare traversa via viale piazza corso vicolo largo calle avenida carrera paseo camino rua travessa praça praca alameda estrada rue avenue boulevard chemin allée allee impasse quai cours place voie sentier chaussée chaussee cité cite ulica ul. ul al. al aleja plac osiedle".split(
    " ",
  ),
);
