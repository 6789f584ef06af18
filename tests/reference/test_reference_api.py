"""The run-time reference API, which reads only the bundled files."""

from __future__ import annotations

import pandas as pd
import pytest

from highneeds import OGL_ATTRIBUTION
from highneeds import reference as ref
from highneeds.errors import NotFoundError
from highneeds.reference.lookups import read_ehcp_la_codes
from highneeds.reference.population_sources import read_mye2, read_snpp


def test_current_las_and_their_predecessors():
    table = ref.las()
    assert table.current.sum() == 153
    assert not table.la_code.duplicated().any() and not table.gss_code.duplicated().any()
    former = table[~table.current].set_index("la_code")
    assert set(former.index) == {"835", "836", "837", "909", "928"}
    assert former.loc["928", "successor_la_codes"] == "940;941"
    assert former.loc["909", "successor_la_codes"] == "942;943"
    assert former.loc["836", "successor_la_codes"] == "839"
    north_yorkshire = table.set_index("la_code").loc["815"]
    assert north_yorkshire.gss_code == "E06000065"
    assert north_yorkshire.former_gss_codes == "E10000023"
    assert set(table.region_code) == set(ref.regions().region_code)
    assert len(ref.las(include_former=False)) == 153


def test_las_by_census_year_match_the_ehcp_release(shared_data):
    """For every January 2010–2022, the LAs existing then are the LAs DfE published."""
    release = read_ehcp_la_codes(
        shared_data / "dfe-ehcp-2022" / "education-health-and-care-plans_2022.zip"
    )
    for year, published in release.groupby("time_period"):
        assert set(ref.las(year).la_code) == set(published.la_code), year
    assert len(ref.las(2022)) == 152 and "909" in set(ref.las(2022).la_code)
    assert len(ref.las(2024)) == 153 and "909" not in set(ref.las(2024).la_code)


@pytest.mark.parametrize(
    "text",
    ["stockport", "  STOCKPORT ", "356", 356, "E08000007", "e08000007", "Stockport."],
)
def test_find_la_accepts_names_and_codes(text):
    assert ref.find_la(text).la_code == "356"


def test_find_la_other_spellings():
    assert ref.find_la("Bristol").la_code == "801"  # DfE: "Bristol, City of"
    assert ref.find_la("Durham").la_code == "840"  # DfE: "County Durham"
    assert ref.find_la("St Helens").la_code == "342"  # DfE: "St. Helens"
    assert ref.find_la("E08000020").la_name == "Gateshead"  # Gateshead's code until 2013
    assert ref.find_la("Dorset").la_code == "838"  # the current Dorset, not the old county
    assert ref.find_la("835").current is False
    assert ref.find_la("Cumbria").successor_la_codes == ("942", "943")


def test_unknown_la_suggests_the_closest_names():
    with pytest.raises(NotFoundError, match="did you mean 'Stockport'"):
        ref.find_la("Stokport")
    with pytest.raises(NotFoundError, match="no English local authority called 'Atlantis'"):
        ref.find_la("Atlantis")
    with pytest.raises(NotFoundError):
        ref.find_la("999")


def test_statistical_neighbours_of_stockport():
    sn2021 = ref.statistical_neighbours("Stockport", model="2021")
    assert sn2021["rank"].tolist() == list(range(1, 11))
    assert sn2021.neighbour_name.tolist()[:3] == [
        "Cheshire West and Chester",
        "Solihull",
        "Warrington",
    ]
    assert (sn2021.closeness == "Very close").all()
    sn2025 = ref.statistical_neighbours("356", model="2025")
    assert sn2025.neighbour_name.iloc[1] == "Trafford"


def test_every_current_la_has_ten_neighbours_in_2025():
    for la_code in ref.las(include_former=False).la_code:
        assert len(ref.statistical_neighbours(la_code, "2025")) == 10


def test_neighbours_errors():
    with pytest.raises(NotFoundError, match="no neighbours for Cumberland"):
        ref.statistical_neighbours("Cumberland", model="2021")
    with pytest.raises(NotFoundError, match="model '2019'"):
        ref.statistical_neighbours("Stockport", model="2019")


def test_population_cell_from_the_published_file(shared_data):
    published = read_mye2(shared_data / "ons-population" / "mye23tablesew.xlsx")
    stockport = published[(published.area_code == "E08000007") & (published.age <= 25)]
    bundled = ref.population("Stockport", 2023)
    assert bundled.population.tolist() == stockport.population.tolist()
    assert (bundled.kind == "estimate").all()
    # Row 48 of the mid-2021 .xls: Stockport aged 0 = 3175.
    assert ref.population("356", 2021, ages=[0]).population.item() == 3175


def test_abolished_and_reorganised_areas_add_up():
    for year in (2021, 2022, 2023):
        cumbria = ref.population_aged("Cumbria", year)
        successors = ref.population_aged("Cumberland", year) + ref.population_aged(
            "Westmorland and Furness", year
        )
        assert cumbria == successors
    assert ref.population_aged("Northamptonshire", 2023) == ref.population_aged(
        "940", 2023
    ) + ref.population_aged("941", 2023)


def test_regions_and_england_equal_the_sum_of_their_las():
    current = ref.las(include_former=False)
    table = ref.population(years=2023)
    totals = table.groupby("area_code").population.sum()
    for region, las in current.groupby("region_code"):
        assert totals[region] == totals[las.la_code].sum(), region
    assert totals["E92000001"] == totals[list(ref.regions().region_code)].sum()


def test_projection_applies_the_band_growth_to_the_latest_estimate(shared_data):
    snpp = read_snpp(shared_data / "ons-population" / "snpp2018_table2_persons_5yr.csv")
    group = snpp[(snpp.area_code == "E08000007") & (snpp.age_group == "5-9")].set_index("year")
    growth = group.population[2030] / group.population[2023]
    table = ref.population("Stockport", [2023, 2030], ages=range(5, 10))
    latest = table[table.year == 2023].population.to_numpy()
    projected = table[table.year == 2030]
    assert (projected.kind == "projection").all()
    assert projected.population.to_numpy() == pytest.approx(latest * growth)


def test_population_by_band():
    bands = ref.population_by_band("England", 2022)
    by_band = bands.set_index("band").population
    assert by_band[["under_5", "5_10", "11_15", "16_19", "20_25"]].sum() == by_band["0_25"]
    single = ref.population("England", 2022, ages=range(2, 19)).population.sum()
    assert by_band["2_18"] == single
    assert set(bands.kind) == {"estimate"}


def test_population_is_keyed_like_dfe_statistics():
    table = ref.population(["E08000007", "North West", "england"], 2023, ages=[0])
    assert table.area_code.tolist() == ["356", "E12000002", "E92000001"]
    assert table.area_name.tolist() == ["Stockport", "North West", "England"]
    every = ref.population(years=2023, ages=[0])
    assert len(every) == 165  # England, 9 regions, 153 LAs, Cumbria, Northamptonshire
    assert {"356", "909", "928"} <= set(every.area_code)


def test_found_la_reads_like_a_row():
    la = ref.find_la("stockport")
    assert la["la_name"] == la.la_name == "Stockport"
    assert la.get("region_code") == "E12000002"
    assert la.get("nothing", "x") == "x"
    with pytest.raises(KeyError):
        la["nothing"]


def test_population_by_sex():
    persons = ref.population_aged("Stockport", 2022)
    female = ref.population("Stockport", 2022, sex="female").population.sum()
    male = ref.population("Stockport", 2022, sex="male").population.sum()
    assert female + male == persons


def test_population_errors():
    with pytest.raises(NotFoundError, match=r"Poole \(836\).*abolished on 2019-03-31"):
        ref.population("Poole")
    with pytest.raises(NotFoundError, match="no population for 2019"):
        ref.population("Stockport", 2019)
    with pytest.raises(NotFoundError, match="persons only"):
        ref.population("Stockport", 2030, sex="female")
    with pytest.raises(NotFoundError, match="ages 0 to 25"):
        ref.population("Stockport", 2022, ages=range(20, 40))
    with pytest.raises(NotFoundError, match="did you mean"):
        ref.population("Stockprot")


def test_imd():
    stockport = ref.imd("Stockport")
    assert stockport["imd_average_score"] == pytest.approx(20.826)
    assert stockport["idaci_rank_of_average_score"] > 0
    assert stockport["from_predecessor"] is False
    bucks = ref.imd("Buckinghamshire")  # E10000002 in 2019, E06000060 since
    assert bucks["utla_code"] == "E10000002" and bucks["from_predecessor"] is False
    cumberland = ref.imd("Cumberland")
    assert cumberland["utla_name"] == "Cumbria" and cumberland["from_predecessor"] is True


def test_lower_tier_lookup():
    latest = ref.lower_tier_lookup()
    assert latest.utla_code.nunique() == 153
    assert len(ref.lower_tier_lookup("2022").query("utla_code == 'E10000006'")) == 6
    with pytest.raises(NotFoundError):
        ref.lower_tier_lookup("2019")


def test_bundle_is_small_and_attributed():
    files = [p for p in ref.DATA_DIR.iterdir() if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 3 * 1024 * 1024
    assert OGL_ATTRIBUTION in (ref.DATA_DIR / "NOTICE").read_text()
    assert OGL_ATTRIBUTION in (ref.DATA_DIR / "README.md").read_text()


@pytest.mark.slow
def test_bundle_is_what_the_published_files_say(shared_data):
    """Rebuilding from ../shared/data gives the bundled tables exactly."""
    from highneeds.reference.build import build_all

    for name, built in build_all(shared_data).items():
        shipped = pd.read_csv(ref.DATA_DIR / name, dtype=str, keep_default_na=False)
        rebuilt = built.astype(str).reset_index(drop=True)
        assert list(shipped.columns) == list(rebuilt.columns), name
        pd.testing.assert_frame_equal(shipped, rebuilt.reset_index(drop=True), check_dtype=False)
