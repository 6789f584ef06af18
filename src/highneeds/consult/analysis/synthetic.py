# ruff: noqa: E501  (the phrase banks are data: one sentence per line reads best)
"""Synthetic SEND consultation responses with known themes (constructed, not real people).

Builds the shipped labelled evaluation set (src/highneeds/data/consult_eval/) and the larger
tables the benchmark uses. Each answer is assembled from phrase banks, one bank per codebook
theme, with slots (need, family member, waiting time…), stance-consistent wording taken from the
respondent's own agreement answer (with some deliberately mixed views), optional openings and
asides that belong to no theme, short easy-read and casual young-person answers, and typing
slips. The themes put into an answer are its gold coding. Everything is seeded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from highneeds.consult.analysis.schema import (
    AGREEMENT_SCALE,
    DONT_KNOW,
    agree_column,
    why_column,
)

AREAS = {
    "P1": "Early help and SEN support: more support in mainstream schools without waiting for a "
    "plan, an outreach team and earlier identification of need",
    "P2": "Specialist settings: more special school and resourced provision places in the "
    "borough, fewer placements in independent schools out of area",
    "P3": "Emotional wellbeing: mental health workers and counselling in schools and faster "
    "support for anxiety",
    "P4": "Inclusion and PRUs: fewer exclusions, inclusion support for schools and a reshaped "
    "pupil referral unit",
}

SLOTS: dict[str, list[str]] = {
    "kid": [
        "my son",
        "my daughter",
        "my child",
        "our son",
        "our daughter",
        "my grandson",
        "my 9 year old",
        "my eldest",
        "my youngest",
        "my stepson",
    ],
    "need": [
        "autism",
        "ADHD",
        "dyslexia",
        "speech and language needs",
        "anxiety",
        "sensory processing difficulties",
        "complex needs",
        "a learning disability",
        "SEMH needs",
        "dyspraxia",
    ],
    "wait": [
        "months",
        "over a year",
        "two years",
        "18 months",
        "nearly a year",
        "ages",
        "three years",
        "six months",
    ],
    "school": [
        "primary school",
        "secondary school",
        "high school",
        "the school",
        "mainstream school",
        "his school",
        "her school",
        "our local school",
    ],
    "staff": ["teachers", "TAs", "teaching assistants", "staff", "the SENCO", "class teachers"],
}

# Phrase banks: theme id -> list of (stance, phrase). Stance '+' suits someone who agrees, '-'
# someone who disagrees, '=' anyone. Label, description and keywords form the written codebook.


@dataclass(frozen=True)
class CodedTheme:
    question: str
    theme_id: str
    label: str
    description: str
    keywords: tuple[str, ...]
    phrases: tuple[tuple[str, str], ...]
    topics: tuple[str, ...] = ()
    prevalence: float = 1.0


def _t(question, theme_id, label, description, keywords, phrases, topics=(), prevalence=1.0):
    return CodedTheme(
        question,
        f"{question}.{theme_id}",
        label,
        description,
        tuple(keywords),
        tuple(phrases),
        tuple(topics),
        prevalence,
    )


COST = [
    ("-", "This looks like a cost cutting exercise dressed up as improvement."),
    ("-", "It is about saving money, not about what children need."),
    ("-", "Where is the funding coming from? School budgets are already stretched to breaking."),
    ("=", "I worry the money will run out halfway through and the promises will be dropped."),
    ("-", "Cuts to the high needs budget will hurt the most vulnerable families."),
    (
        "+",
        "I understand the council has to balance the budget and this seems a sensible use of money.",
    ),
    ("=", "Make sure the funding is ring fenced so it actually reaches the classroom."),
    ("-", "The deficit is not the fault of our children and they should not pay for it."),
    ("+", "Spending the money locally instead of on expensive placements is better value."),
]
COST_TOPICS = [
    "the funding",
    "where the money comes from",
    "the budget cuts",
    "the high needs deficit",
    "value for money",
    "savings being the real aim",
]
COST_KEYWORDS = ("cost", "money", "budget", "funding", "cuts", "saving", "deficit")

THEMES: tuple[CodedTheme, ...] = (
    # --- P1 early help and SEN support -------------------------------------------------------
    _t(
        "P1",
        "early_identification",
        "Identifying needs early",
        "Spotting needs and acting earlier, in early years and primary, before they escalate.",
        ["early", "earlier", "sooner", "early years", "nursery", "intervention", "picked up"],
        topics=[
            "identifying needs early",
            "early intervention in nurseries",
            "picking up needs sooner",
            "spotting {need} early in reception",
            "early help before things escalate",
            "getting support in the early years",
        ],
        phrases=[
            (
                "+",
                "Getting help early is so important, the sooner problems are picked up the better.",
            ),
            ("+", "Early intervention stops things escalating later on."),
            (
                "+",
                "{Kid} struggled for years before anyone noticed, catching needs early would have changed everything.",
            ),
            ("+", "Identifying needs in nursery and reception makes a lot of sense."),
            (
                "-",
                "Early help sounds good but I can't see how needs will be picked up any earlier without more staff.",
            ),
            (
                "=",
                "Nothing gets picked up early at the moment, {kid}'s {need} was only spotted in year 5.",
            ),
            ("+", "The earlier a child gets the right support the less they fall behind."),
            (
                "-",
                "Early intervention is just words unless there are actual people to deliver it in nurseries.",
            ),
        ],
    ),
    _t(
        "P1",
        "waiting_times",
        "Waiting times for assessment",
        "Delays in assessments, diagnosis, educational psychology or EHCP decisions.",
        [
            "waiting",
            "wait",
            "waited",
            "waiting list",
            "assessment",
            "diagnosis",
            "delay",
            "20 weeks",
        ],
        topics=[
            "the waiting times for assessment",
            "delays in getting a diagnosis",
            "the wait to see an educational psychologist",
            "how long EHCP assessments take",
            "waiting lists for {need} assessments",
            "the assessment backlog",
        ],
        phrases=[
            ("=", "We waited {wait} for an assessment and {kid} got no help in the meantime."),
            (
                "-",
                "The waiting list for a {need} diagnosis is far too long and nothing here fixes it.",
            ),
            ("=", "EHCP assessments take far longer than the 20 weeks they are supposed to."),
            ("=", "Families are left waiting {wait} to see an educational psychologist."),
            (
                "+",
                "If this means children get support without waiting {wait} for a diagnosis then I'm all for it.",
            ),
            ("-", "You cannot promise quicker help when assessment delays are this bad."),
            ("=", "The wait for assessment is the biggest problem, {wait} is normal now."),
        ],
        prevalence=1.3,
    ),
    _t(
        "P1",
        "staff_training",
        "Staff skills and capacity in mainstream",
        "Whether mainstream teachers and assistants have the training, time and numbers to support SEND.",
        ["training", "teachers", "TAs", "staff", "class sizes", "SENCO", "skills", "capacity"],
        topics=[
            "training for mainstream teachers",
            "the number of teaching assistants",
            "class sizes in mainstream",
            "SENCO time",
            "staff skills in supporting {need}",
            "how stretched school staff are",
        ],
        phrases=[
            ("-", "{Staff} don't have the training to support {need} in a class of 30."),
            ("=", "Teaching assistants are stretched thin and often pulled away to cover lessons."),
            ("+", "More training for {staff} in mainstream is exactly what is needed."),
            (
                "-",
                "Mainstream schools can't cope now, staff are exhausted and classes are too big.",
            ),
            ("=", "The SENCO at {school} has no time to actually support the children."),
            ("+", "Upskilling mainstream staff would help every pupil, not only those with SEND."),
            (
                "-",
                "Expecting {staff} to meet complex needs without proper training is unfair on everyone.",
            ),
        ],
        prevalence=1.2,
    ),
    _t(
        "P1",
        "cost",
        "Cost and funding",
        "Views on money: savings, cuts, the deficit, value for money, where the funding will come from.",
        COST_KEYWORDS,
        COST,
        topics=COST_TOPICS,
        prevalence=0.9,
    ),
    _t(
        "P1",
        "ehcp_rights",
        "Access to EHCPs and legal rights",
        "Concern that plans will be harder to get or that statutory rights will be weakened.",
        ["ehcp", "plan", "plans", "legal", "rights", "statutory", "tribunal", "entitlement"],
        topics=[
            "getting an EHCP",
            "the legal right to a plan",
            "statutory assessment",
            "families having to go to tribunal",
            "EHCP refusals",
            "the protection a plan gives",
        ],
        phrases=[
            ("-", "This will make it even harder for parents to get an EHCP."),
            (
                "-",
                "An EHCP is a legal right and must not be refused because support is now 'available' in school.",
            ),
            ("-", "Without a plan there is no legal protection, SEN support can just disappear."),
            (
                "=",
                "We had to go to tribunal to get {kid}'s plan and I fear more families will have to.",
            ),
            (
                "+",
                "As long as families can still ask for an EHCP when they need one, this is fine.",
            ),
            ("=", "Please be clear that statutory assessment stays open to everyone who needs it."),
        ],
    ),
    _t(
        "P1",
        "parent_voice",
        "Listening to and informing parents",
        "Communication with families: being listened to, knowing what help exists, the local offer.",
        ["parents", "listened", "communication", "informed", "local offer", "families", "told"],
        topics=[
            "listening to parents",
            "communication with families",
            "telling parents what support exists",
            "the local offer",
            "involving families in decisions",
            "keeping parents informed",
        ],
        phrases=[
            ("=", "Parents need to be listened to, we know our children best."),
            ("-", "Nobody ever tells us what support is available, the local offer is useless."),
            ("=", "Communication between {school} and home is poor."),
            ("+", "I like that parents will be involved earlier in planning support."),
            ("-", "Families are never told what is happening until it is too late."),
            ("+", "Regular meetings with parents would make a huge difference."),
        ],
        prevalence=0.9,
    ),
    # --- P2 specialist settings --------------------------------------------------------------
    _t(
        "P2",
        "local_places",
        "Local specialist places and travel",
        "More specialist places near home and less time travelling by bus or taxi.",
        ["local", "near", "close to home", "travel", "taxi", "bus", "journey", "out of area"],
        topics=[
            "places close to home",
            "long taxi journeys",
            "travel time to school",
            "children schooled out of area",
            "local specialist places",
            "school in their own community",
        ],
        phrases=[
            ("+", "More places close to home would mean less time spent in a taxi every day."),
            ("=", "{Kid} travels over an hour each way to school, it wears him out."),
            ("+", "Children should be able to go to school in their own community."),
            ("+", "Local places mean children keep their friends and stay near family."),
            (
                "-",
                "There are not enough local places now and I don't believe new ones will be ready in time.",
            ),
            ("=", "The journey to an out of area school is exhausting for a child with {need}."),
        ],
        prevalence=1.3,
    ),
    _t(
        "P2",
        "resourced_provision",
        "Resourced provision in mainstream",
        "Units and resourced provision attached to mainstream schools.",
        ["resourced", "unit", "units", "resourced provision", "base", "mainstream"],
        topics=[
            "resourced units in mainstream",
            "resourced provision",
            "specialist bases attached to mainstream schools",
            "units with specialist staff",
            "more resourced provisions",
            "the new unit places",
        ],
        phrases=[
            ("+", "Resourced units in mainstream give children the best of both worlds."),
            ("+", "A unit attached to {school} would have been perfect for {kid}."),
            (
                "-",
                "Resourced provision is often just a room in the corner with no specialist staff.",
            ),
            ("=", "Units need specialist staff, not just a separate classroom."),
            (
                "+",
                "More resourced provisions would let children join mainstream lessons when they are ready.",
            ),
            ("-", "Putting a unit in a mainstream school does not make it a specialist setting."),
        ],
    ),
    _t(
        "P2",
        "independent_schools",
        "Independent and out-of-area schools",
        "Views on placements in independent or non-maintained special schools.",
        ["independent", "private", "non-maintained", "fees", "specialist school", "out of borough"],
        topics=[
            "independent special schools",
            "private specialist placements",
            "the fees of independent schools",
            "non-maintained schools",
            "out of borough independent placements",
            "profits of private providers",
        ],
        phrases=[
            (
                "-",
                "Some children need independent specialist schools and removing that option would be wrong.",
            ),
            (
                "+",
                "Independent schools cost a fortune, the money is better spent on our own schools.",
            ),
            ("-", "{Kid} is thriving at an independent school after years of failing elsewhere."),
            ("+", "Private providers make huge profits from our children, reduce them."),
            (
                "=",
                "Independent placements should only be used when nothing local can meet the need.",
            ),
            (
                "-",
                "Parents only go to independent schools because the local schools failed their child.",
            ),
        ],
    ),
    _t(
        "P2",
        "needs_led_placement",
        "Placement led by the child's needs",
        "The right school for each child, parental choice, not deciding by cost or availability.",
        ["right school", "choice", "placement", "individual", "needs led", "parental preference"],
        topics=[
            "the right school for each child",
            "parental choice of school",
            "placements based on need not cost",
            "children being squeezed into any place",
            "individual needs when placing children",
            "one size fits all placements",
        ],
        phrases=[
            ("=", "Placement must be decided by the child's needs, not by what is cheapest."),
            ("-", "Parents should have a real choice of school, this takes it away."),
            ("=", "Every child is different and one size does not fit all."),
            ("+", "If it means more children get the right school first time, I support it."),
            (
                "-",
                "Children will be squeezed into whatever place is available instead of the right one.",
            ),
        ],
    ),
    _t(
        "P2",
        "transition",
        "Changes of school and transition",
        "Worry about moving settled children and how moves between settings are planned.",
        ["transition", "moving", "move", "settled", "change", "unsettling"],
        topics=[
            "moving settled children",
            "transition between schools",
            "the move to secondary",
            "change for autistic children",
            "planning transitions properly",
            "disrupting children who are settled",
        ],
        phrases=[
            ("-", "Moving children who are settled would be devastating for them."),
            ("=", "Transitions need careful planning, especially for autistic children."),
            (
                "-",
                "Change is really hard for {kid}, please don't move children who are doing well.",
            ),
            ("=", "The move from primary to secondary is where things fall apart."),
            (
                "+",
                "Having specialist places from primary through to post 16 would make transitions easier.",
            ),
        ],
    ),
    _t(
        "P2",
        "buildings",
        "Buildings and facilities",
        "The quality of new or expanded settings: space, sensory rooms, outdoor areas, accessibility.",
        ["building", "buildings", "facilities", "sensory room", "space", "outdoor", "accessible"],
        topics=[
            "the buildings",
            "sensory rooms and outdoor space",
            "accessible facilities",
            "the quality of the new classrooms",
            "space in the new schools",
            "portable classrooms",
        ],
        phrases=[
            ("=", "New provision must have proper facilities, sensory rooms and outdoor space."),
            ("-", "Squeezing extra pupils into old buildings is not acceptable."),
            (
                "+",
                "The new buildings planned sound great if they are designed with the children in mind.",
            ),
            ("=", "Wheelchair access and quiet spaces must be in every new building."),
            ("-", "Portable classrooms on a playground are not a specialist setting."),
        ],
        prevalence=0.7,
    ),
    _t(
        "P2",
        "cost",
        "Cost and funding",
        "Views on money: savings, cuts, the deficit, value for money, where the funding will come from.",
        COST_KEYWORDS,
        COST,
        topics=COST_TOPICS,
        prevalence=0.9,
    ),
    # --- P3 emotional wellbeing --------------------------------------------------------------
    _t(
        "P3",
        "camhs",
        "Access to CAMHS",
        "Waiting times and thresholds for child and adolescent mental health services.",
        ["camhs", "mental health services", "referral", "threshold", "waiting list", "crisis"],
        topics=[
            "CAMHS waiting lists",
            "the CAMHS threshold",
            "getting a CAMHS referral accepted",
            "mental health services for children",
            "waiting for CAMHS until crisis",
            "access to CAMHS",
        ],
        phrases=[
            ("=", "CAMHS waiting lists are {wait} long and children get worse while they wait."),
            ("-", "{Kid} was turned away by CAMHS because they were not ill enough."),
            ("+", "Anything that takes pressure off CAMHS is welcome."),
            ("=", "You only get seen by CAMHS when you reach crisis point."),
            ("-", "This does nothing about the CAMHS threshold which is far too high."),
            ("=", "The referral to CAMHS was rejected twice before anyone saw her."),
        ],
        prevalence=1.3,
    ),
    _t(
        "P3",
        "in_school_support",
        "Mental health support in school",
        "Counsellors, mental health workers and pastoral staff based in schools.",
        [
            "counsellor",
            "counselling",
            "mental health worker",
            "pastoral",
            "in school",
            "wellbeing team",
        ],
        topics=[
            "counsellors in school",
            "mental health workers in schools",
            "the pastoral team",
            "school based counselling",
            "a wellbeing team in every school",
            "support in school for mental health",
        ],
        phrases=[
            ("+", "Having a counsellor in school would make it so much easier to get help."),
            ("+", "Mental health workers in every school is a brilliant idea."),
            ("=", "The pastoral team at {school} is great but they are overwhelmed."),
            ("-", "One counsellor shared between five schools is not real support."),
            ("+", "Support in school means children don't have to miss lessons for appointments."),
            ("-", "School counselling sessions stop after six weeks which is not enough."),
        ],
        prevalence=1.2,
    ),
    _t(
        "P3",
        "anxiety_attendance",
        "Anxiety and school attendance",
        "Emotionally based school avoidance, anxiety about attending, part-time attendance.",
        ["anxiety", "attendance", "school avoidance", "refusing", "can't attend", "fines", "ebsa"],
        topics=[
            "school anxiety",
            "children too anxious to attend",
            "school avoidance",
            "attendance fines for anxious children",
            "anxiety and attendance",
            "children missing school through anxiety",
        ],
        phrases=[
            ("=", "{Kid} has not been able to attend school for {wait} because of anxiety."),
            ("=", "School avoidance is not a choice, children are too anxious to go in."),
            (
                "-",
                "Parents are being fined for attendance when their child is too anxious to attend.",
            ),
            ("+", "Faster support for anxiety might get children back into school."),
            ("=", "Anxiety is the main reason so many children are missing school now."),
        ],
    ),
    _t(
        "P3",
        "staff_understanding",
        "Staff understanding of mental health",
        "Training for school staff in mental health, trauma and neurodiversity; staff attitudes.",
        ["training", "staff", "teachers", "understanding", "trauma", "attitude", "aware"],
        topics=[
            "staff training in mental health",
            "teachers understanding anxiety",
            "trauma informed training",
            "staff attitudes to mental health",
            "how teachers respond to children struggling",
            "staff awareness of wellbeing",
        ],
        phrases=[
            (
                "=",
                "Teachers need training to understand mental health, not just behaviour policies.",
            ),
            ("-", "Some staff still think anxiety is just bad behaviour."),
            ("+", "Training all staff in trauma informed practice is a good step."),
            ("=", "{Staff} need to recognise when a child is struggling emotionally."),
            ("-", "Staff at {school} told {kid} to just try harder, there is no understanding."),
        ],
    ),
    _t(
        "P3",
        "someone_to_talk_to",
        "Someone to talk to and activities",
        "Young people's own asks: a trusted adult, quiet spaces, clubs, peer support, being listened to.",
        ["talk to", "someone", "trusted adult", "clubs", "friends", "quiet space", "peer support"],
        topics=[
            "having someone to talk to",
            "a trusted adult at school",
            "quiet spaces",
            "clubs and groups",
            "peer support",
            "being listened to",
        ],
        phrases=[
            ("+", "It would help to have someone to talk to when things get too much."),
            ("=", "I need a quiet space to go when the classroom is too loud."),
            ("+", "Clubs and groups where you can meet people like you really help."),
            ("=", "Nobody listens to us when we say we're not ok."),
            ("+", "Peer support groups helped my friend a lot."),
            ("-", "There is nobody at school you can actually talk to about how you feel."),
        ],
    ),
    _t(
        "P3",
        "family_support",
        "Support for the whole family",
        "Help for parents and siblings, parenting support, respite, family wellbeing.",
        ["family", "parents", "siblings", "respite", "parenting", "carers", "whole family"],
        topics=[
            "support for parents",
            "help for the whole family",
            "respite for carers",
            "support for siblings",
            "parenting groups",
            "carers wellbeing",
        ],
        phrases=[
            ("=", "Parents need support too, we are exhausted and nobody checks on us."),
            (
                "+",
                "Working with the whole family rather than just the child is the right approach.",
            ),
            ("=", "Siblings get forgotten when a child is struggling."),
            ("-", "There is no respite for carers and this proposal does not mention it."),
            ("+", "Parenting support groups for families of children with {need} would be great."),
        ],
        prevalence=0.9,
    ),
    _t(
        "P3",
        "cost",
        "Cost and funding",
        "Views on money: savings, cuts, the deficit, value for money, where the funding will come from.",
        COST_KEYWORDS,
        COST,
        topics=COST_TOPICS,
        prevalence=0.7,
    ),
    # --- P4 inclusion and PRUs ---------------------------------------------------------------
    _t(
        "P4",
        "exclusions",
        "Reducing exclusions",
        "Permanent and fixed-term exclusions, off-rolling and keeping pupils in school.",
        ["exclusion", "exclusions", "excluded", "off-rolling", "suspended", "suspension"],
        topics=[
            "exclusions",
            "the number of excluded pupils",
            "off-rolling",
            "suspensions of children with SEND",
            "exclusion as a last resort",
            "keeping pupils from being excluded",
        ],
        phrases=[
            ("+", "Far too many children with SEND are excluded, reducing exclusions is right."),
            ("=", "{Kid} was excluded three times before anyone looked at {need}."),
            ("+", "Keeping children in school instead of excluding them gives them a chance."),
            ("-", "Schools will just find other ways to get rid of pupils, like off-rolling."),
            ("=", "Exclusion should be the very last resort."),
            (
                "-",
                "Fewer exclusions on paper means nothing if children are sent home every afternoon.",
            ),
        ],
        prevalence=1.2,
    ),
    _t(
        "P4",
        "unmet_needs",
        "Behaviour as unmet need",
        "Behaviour seen as communication of an unmet or unidentified need.",
        ["behaviour", "unmet", "communication", "undiagnosed", "meltdown", "needs not met"],
        topics=[
            "behaviour as communication",
            "the unmet needs behind behaviour",
            "undiagnosed needs",
            "children punished for meltdowns",
            "behaviour caused by {need}",
            "labelling children as naughty",
        ],
        phrases=[
            (
                "=",
                "Behaviour is communication, most of these children have needs that have not been met.",
            ),
            ("+", "Looking at the need behind the behaviour is long overdue."),
            ("=", "{Kid} was labelled naughty when it was undiagnosed {need}."),
            ("=", "Meltdowns are not bad behaviour and should not be punished."),
            ("-", "Schools still punish behaviour caused by {need} instead of supporting it."),
        ],
    ),
    _t(
        "P4",
        "pru_quality",
        "Quality of the PRU and alternative provision",
        "Education and outcomes in the pupil referral unit and alternative provision; return to school.",
        [
            "pru",
            "referral unit",
            "alternative provision",
            "reintegration",
            "outcomes",
            "qualifications",
        ],
        topics=[
            "the PRU",
            "alternative provision",
            "getting back to mainstream from the PRU",
            "the curriculum in the referral unit",
            "outcomes for PRU pupils",
            "PRU places",
        ],
        phrases=[
            ("-", "The PRU should be improved, not cut back."),
            (
                "=",
                "Children in alternative provision deserve a full curriculum and proper qualifications.",
            ),
            ("+", "The PRU should be a short stay with a clear route back to mainstream."),
            ("-", "Pupils who go to the PRU rarely get back to a normal school."),
            ("+", "A reshaped referral unit focused on reintegration sounds positive."),
            ("-", "Closing PRU places will leave the most vulnerable pupils with nowhere to go."),
        ],
    ),
    _t(
        "P4",
        "other_pupils",
        "Effect on other pupils and staff",
        "Concern for the learning and safety of classmates and staff when pupils stay in mainstream.",
        ["other pupils", "classmates", "disruption", "safety", "violent", "learning of others"],
        topics=[
            "the other pupils in the class",
            "disruption to learning",
            "safety of staff and pupils",
            "violent incidents",
            "the rest of the class",
            "classmates learning",
        ],
        phrases=[
            ("-", "What about the other pupils whose learning is disrupted every day?"),
            ("-", "Staff and other children have a right to be safe at school."),
            ("=", "Inclusion has to work for the whole class, not just one child."),
            (
                "-",
                "Some behaviour is violent and keeping those pupils in class puts others at risk.",
            ),
            ("=", "My daughter's class loses hours of learning to disruption."),
        ],
        prevalence=0.8,
    ),
    _t(
        "P4",
        "inclusion_team",
        "Inclusion support for schools",
        "Outreach, inclusion teams and specialist advice to help mainstream schools keep pupils.",
        [
            "outreach",
            "inclusion team",
            "advice",
            "specialist support",
            "support for schools",
            "inclusion",
        ],
        topics=[
            "the inclusion team",
            "outreach support for schools",
            "specialist advice for teachers",
            "inclusion support",
            "the outreach service",
            "support for schools to keep pupils",
        ],
        phrases=[
            (
                "+",
                "An inclusion team that comes into schools to help would make a real difference.",
            ),
            ("+", "Outreach from specialist staff helps schools keep children included."),
            ("-", "The inclusion service is already stretched and takes weeks to respond."),
            ("=", "Schools need practical advice on the day, not a report weeks later."),
            ("+", "More specialist support for mainstream schools is welcome."),
        ],
    ),
    _t(
        "P4",
        "part_time_timetables",
        "Part-time timetables and missing education",
        "Reduced timetables, children out of school or sent home, education otherwise than at school.",
        [
            "part time",
            "reduced timetable",
            "sent home",
            "out of school",
            "missing education",
            "hours",
        ],
        topics=[
            "reduced timetables",
            "part time timetables",
            "children sent home early",
            "children out of school",
            "missing education",
            "children on two hours a day",
        ],
        phrases=[
            ("=", "{Kid} has been on a reduced timetable for {wait}, just two hours a day."),
            ("-", "Children on part time timetables are missing out on their education."),
            ("=", "Being sent home early every day is an exclusion in all but name."),
            ("+", "Ending long term reduced timetables should be part of this."),
            ("=", "There are children in this borough who have been out of school for {wait}."),
        ],
        prevalence=0.8,
    ),
    _t(
        "P4",
        "cost",
        "Cost and funding",
        "Views on money: savings, cuts, the deficit, value for money, where the funding will come from.",
        COST_KEYWORDS,
        COST,
        topics=COST_TOPICS,
        prevalence=0.7,
    ),
)

OPENINGS: dict[str, list[str]] = {
    "parent_carer": [
        "As a parent of a child with {need}, ",
        "Speaking as a mum, ",
        "As a dad, ",
        "As a parent carer ",
        "From our family's experience, ",
        "Honestly, ",
    ],
    "young_person": ["", "i think ", "for me ", "tbh ", "I'm in year 9 and "],
    "school_staff": [
        "As a SENCO, ",
        "I work in a primary school and ",
        "As a teacher, ",
        "Working in a secondary school, ",
        "From a school point of view, ",
    ],
    "health_care_professional": [
        "As a paediatric nurse, ",
        "In my work as a therapist, ",
        "As a health visitor, ",
        "From a health perspective, ",
    ],
    "voluntary_org": [
        "Our charity supports many families and ",
        "As a parent support group, ",
        "Speaking for our organisation, ",
    ],
    "other": ["As a grandparent, ", "As a local resident, ", "As a childminder, ", ""],
}
ASIDES = {
    "+": [
        "Overall I am in favour.",
        "Good luck with it.",
        "About time!",
        "Thank you for asking for our views.",
        "Please get on with it.",
    ],
    "-": [
        "I am not convinced at all.",
        "Please think again.",
        "I hope you actually listen this time.",
        "Very disappointing.",
        "We have heard all this before.",
    ],
    "=": [
        "Thank you for the chance to comment.",
        "Hard to say really.",
        "It depends how it is done.",
        "See my earlier answers.",
        "Not sure what else to say.",
    ],
}
NO_THEME_TEXTS = [
    "No comment.",
    "Not sure.",
    "As above.",
    "n/a",
    "Nothing to add.",
    "I don't know enough about this to say.",
    "See previous answer.",
    "no",
]
CONNECTORS = [" ", " Also ", " And ", " On top of that, ", " But ", " Plus ", " "]
YOUNG_PERSON_SWAPS = {
    "my son": "me",
    "my daughter": "me",
    "my child": "me",
    "{Kid}": "I",
    " children ": " kids ",
}

# Agreement answers: base probabilities for (strongly agree … strongly disagree, don't know),
# tilted per proposal and respondent type so groups really differ.
BASE_AGREEMENT = np.array([0.22, 0.30, 0.14, 0.15, 0.12, 0.07])
TILT = {
    ("P1", "school_staff"): 0.6,
    ("P1", "parent_carer"): -0.3,
    ("P2", "parent_carer"): 0.4,
    ("P2", "voluntary_org"): -0.5,
    ("P3", "young_person"): 0.9,
    ("P3", "health_care_professional"): 0.5,
    ("P4", "school_staff"): -0.8,
    ("P4", "parent_carer"): 0.3,
    ("P4", "other"): -0.4,
}
TYPE_SHARES = {
    "parent_carer": 0.45,
    "young_person": 0.12,
    "school_staff": 0.2,
    "health_care_professional": 0.08,
    "voluntary_org": 0.05,
    "other": 0.10,
}
SOURCE_SHARES = {"online": 0.8, "paper": 0.1, "email": 0.05, "event": 0.05}


def codebook_frame(questions: tuple[str, ...] = tuple(AREAS)) -> pd.DataFrame:
    """The written codebook: question, theme_id, label, description, keywords (';'-separated)."""
    return pd.DataFrame(
        [
            {
                "question": t.question,
                "theme_id": t.theme_id,
                "label": t.label,
                "description": t.description,
                "keywords": "; ".join(t.keywords),
            }
            for t in THEMES
            if t.question in questions
        ]
    )


def _typo(word: str, rng: np.random.Generator) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = int(rng.integers(1, len(word) - 1))
    kind = rng.integers(3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def _fill(phrase: str, rng: np.random.Generator) -> str:
    for slot, values in SLOTS.items():
        for key in ("{" + slot + "}", "{" + slot.capitalize() + "}"):
            while key in phrase:
                value = str(rng.choice(values))
                if key[1].isupper():
                    value = value[:1].upper() + value[1:]
                phrase = phrase.replace(key, value, 1)
    return phrase


# Stance wordings any theme's topic can fill; they share words across themes on purpose.
TOPIC_TEMPLATES: tuple[tuple[str, str], ...] = (
    ("+", "I welcome anything that tackles {topic}."),
    ("+", "This should really help with {topic}."),
    ("+", "Good to see {topic} finally being taken seriously."),
    ("+", "Improving {topic} would make a big difference to us."),
    ("+", "Yes, especially because of {topic}."),
    ("-", "This does nothing about {topic}."),
    ("-", "I am worried about {topic}."),
    ("-", "{Topic} is already a problem and this will make it worse."),
    ("-", "Nobody seems to have thought about {topic}."),
    ("-", "No, not until {topic} is sorted out."),
    ("=", "{Topic} is the key issue for us."),
    ("=", "Please think about {topic}."),
    ("=", "My main point is about {topic}."),
    ("=", "What matters most to me is {topic}."),
    ("=", "{Topic}!!"),
)


def _sentence_for(theme: CodedTheme, stance: str, rng: np.random.Generator) -> str:
    wanted = {"+": ("+", "="), "-": ("-", "="), "=": ("+", "-", "=")}[stance]
    if rng.random() < 0.15:  # mixed views: a supporter raising a worry, or the reverse
        wanted = ("+", "-", "=")
    if theme.topics and rng.random() < 0.5:
        template = str(rng.choice([p for s, p in TOPIC_TEMPLATES if s in wanted]))
        topic = str(rng.choice(theme.topics))
        return template.replace("{topic}", topic).replace("{Topic}", topic[:1].upper() + topic[1:])
    choices = [p for s, p in theme.phrases if s in wanted]
    return str(rng.choice(choices))


def _answer_text(
    themes: list[CodedTheme],
    stance: str,
    respondent_type: str,
    version: str,
    rng: np.random.Generator,
) -> str:
    sentences = [_sentence_for(t, stance, rng) for t in themes]
    if respondent_type == "young_person":
        for old, new in YOUNG_PERSON_SWAPS.items():
            sentences = [s.replace(old, new) for s in sentences]
    if version == "easy_read":
        # Easy-read answers are short: the first clause of each point.
        sentences = [s.split(",")[0].rstrip(".") + "." for s in sentences]
    text = sentences[0]
    for sentence in sentences[1:]:
        connector = str(rng.choice(CONNECTORS))
        if connector.strip():
            sentence = sentence[:1].lower() + sentence[1:]
        text = text.rstrip() + connector + sentence
    if rng.random() < 0.35:
        opening = _fill(str(rng.choice(OPENINGS[respondent_type])), rng)
        text = opening + (text[:1].lower() + text[1:] if opening else text)
    if rng.random() < 0.25:
        aside = str(rng.choice(ASIDES[stance]))
        text = text + " " + aside if rng.random() < 0.6 else aside + " " + text
    text = _fill(text, rng)
    words = [(_typo(w, rng) if rng.random() < 0.025 else w) for w in text.split(" ")]
    text = " ".join(words)
    if respondent_type == "young_person" or rng.random() < 0.1:
        text = text.lower()
    if rng.random() < 0.15:
        text = text.replace(".", "", 1)
    return text


def _stance(answer: str | None) -> str:
    if answer in ("strongly_agree", "agree"):
        return "+"
    if answer in ("disagree", "strongly_disagree"):
        return "-"
    return "="


def build_responses(
    n_responses: int = 600,
    questions: tuple[str, ...] = tuple(AREAS),
    seed: int = 2020,
    answer_rate: float = 0.6,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic responses and their gold coding.

    ``questions`` are proposal codes; codes beyond P1-P4 reuse the four areas' phrase banks in
    turn (P5 like P1, …) with their own theme ids, for benchmarks. Returns (responses in the
    input contract, coding with one row per response_id, question, theme_id).
    """
    rng = np.random.default_rng(seed)
    types = list(TYPE_SHARES)
    rows, coding = [], []
    banks = {
        q: [t for t in THEMES if t.question == f"P{(int(q[1:]) - 1) % 4 + 1}"] for q in questions
    }
    for number in range(1, n_responses + 1):
        respondent_type = str(rng.choice(types, p=list(TYPE_SHARES.values())))
        if respondent_type == "young_person":
            version = str(
                rng.choice(["young_person", "easy_read", "standard"], p=[0.7, 0.15, 0.15])
            )
        else:
            version = str(rng.choice(["standard", "easy_read"], p=[0.93, 0.07]))
        source = str(rng.choice(list(SOURCE_SHARES), p=list(SOURCE_SHARES.values())))
        row = {
            "response_id": f"R{number:05d}",
            "version": version,
            "respondent_type": respondent_type,
            "source": source,
        }
        for question in questions:
            base_question = f"P{(int(question[1:]) - 1) % 4 + 1}"
            tilt = TILT.get((base_question, respondent_type), 0.0)
            weights = BASE_AGREEMENT * np.exp(tilt * np.array([1.0, 0.6, 0, -0.6, -1.0, 0]))
            answer = None
            if rng.random() > 0.05:
                answer = str(rng.choice([*AGREEMENT_SCALE, DONT_KNOW], p=weights / weights.sum()))
            row[agree_column(question)] = answer
            text = ""
            if rng.random() < answer_rate:
                if rng.random() < 0.04:
                    text = str(rng.choice(NO_THEME_TEXTS))
                else:
                    bank = banks[question]
                    count = int(rng.choice([1, 2, 3], p=[0.55, 0.35, 0.10]))
                    prevalence = np.array([t.prevalence for t in bank])
                    chosen_idx = rng.choice(
                        len(bank), size=count, replace=False, p=prevalence / prevalence.sum()
                    )
                    chosen = [bank[i] for i in chosen_idx]
                    text = _answer_text(chosen, _stance(answer), respondent_type, version, rng)
                    for theme in chosen:
                        theme_id = question + theme.theme_id[len(base_question) :]
                        coding.append(
                            {
                                "response_id": row["response_id"],
                                "question": question,
                                "theme_id": theme_id,
                            }
                        )
            row[why_column(question)] = text
        rows.append(row)
    return pd.DataFrame(rows), pd.DataFrame(coding, columns=["response_id", "question", "theme_id"])


def write_labelled_set(folder, n_responses: int = 600, seed: int = 2020) -> None:
    """Write responses.csv, coding.csv and codebook.csv (the shipped set uses the defaults)."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    responses, coding = build_responses(n_responses, seed=seed)
    responses.to_csv(folder / "responses.csv", index=False)
    coding.to_csv(folder / "coding.csv", index=False)
    codebook_frame().rename(columns={"theme_id": "theme"}).to_csv(
        folder / "codebook.csv", index=False
    )
