"""A tiny municipality whose every figure for 2024 (a leap year, 366 days) is worked out by hand
in tests/test_figures.py. Two sectors: YH (cost centre 1100) and SIV (2100).

Who is who (all in 2024 unless said):
- 10001 YH, full year, 10 days unpaid leave (1.–10.3.), trains 75 h, over the paid-days cap.
- 10002 part-time, 60 % in YH until 30.6., then the same employment 80 % in SIV: group SIV.
- 10003 SIV, fixed-term from 1.8. (not eligible for a goal discussion).
- 10004 SIV supervisor since 1.3.2024: inside the 12-month grace period, no level.
- 10005 YH supervisor since 2020 with level 2 from 2019; only a cancelled training with a fee.
- 10006 SIV supervisor since 1.6.2022, level 1 interrupted: past the grace period, not compliant;
  unpaid study leave 20.12.2023–5.1.2024 (5 days in 2024), a second overlapping one.
- 10007 YH, left 30.9.2024 inside a 24-month commitment from a 2023 training: repayment case.
- 10008 SIV from 1.3., gender X, no usable pay lines (hours empty): sector median pay.
- 10009 left 31.12.2023; a 2024 training of theirs must not count anywhere.
"""

from __future__ import annotations

from pathlib import Path

FILES: dict[str, list[str]] = {
    "organisaatio": [
        "Kustannuspaikka;Kustannuspaikan nimi;Toimiala;Toimialan nimi;Toimialan nimi ruotsiksi",
        "1100;Hallinto;YH;Yleishallinto;Allmänna förvaltningen",
        "2100;Perusopetus;SIV;Sivistystoimi;Bildningssektorn",
    ],
    "henkilosto": [
        "Henkilönumero;Palvelussuhdenumero;Alkupvm;Loppupvm;Kustannuspaikka;Nimike;"
        "Palvelussuhteen laji;Työaikamuoto;Työaikaprosentti;Esihenkilö;Esihenkilönä alkaen;"
        "Sukupuoli;Syntymävuosi",
        "10001;1;1.1.2020;;1100;Sihteeri;vakinainen;toimistotyöaika;100;E;;N;1980",
        "10002;1;1.1.2023;30.6.2024;1100;Sihteeri;vakinainen;toimistotyöaika;60;E;;M;1996",
        "10002;1;1.7.2024;;2100;Koulusihteeri;vakinainen;toimistotyöaika;80;E;;M;1996",
        "10003;1;1.8.2024;31.12.2025;2100;Opettaja;määräaikainen;opetustyö;100;E;;N;1970",
        "10004;1;1.1.2015;;2100;Rehtori;vakinainen;opetustyö;100;K;1.3.2024;N;1965",
        "10005;1;1.1.2010;;1100;Hallintojohtaja;vakinainen;toimistotyöaika;100;K;1.1.2020;M;1975",
        "10006;1;1.6.2018;;2100;Apulaisrehtori;vakinainen;opetustyö;100;K;1.6.2022;N;1985",
        "10007;1;1.1.2022;30.9.2024;1100;Suunnittelija;vakinainen;toimistotyöaika;100;E;;N;1990",
        "10008;1;1.3.2024;;2100;Koulunkäynninohjaaja;vakinainen;yleistyöaika;100;E;;X;2000",
        "10009;1;1.1.2021;31.12.2023;2100;Opettaja;vakinainen;opetustyö;100;E;;M;1960",
    ],
    "palkkarivit": [
        "Henkilönumero;Palvelussuhdenumero;Maksupäivä;Ansaintajakso alkaa;Ansaintajakso päättyy;"
        "Palkkalaji;Palkkalajin nimi;Kustannuspaikka;Tunnit;Summa",
        "10001;1;15.12.2023;1.11.2023;30.11.2023;1001;Tehtäväkohtainen palkka;1100;150;9999,00",
        "10001;1;15.1.2024;1.12.2023;31.12.2023;1001;Tehtäväkohtainen palkka;1100;150;3 000,00",
        "10001;1;15.2.2024;1.1.2024;31.1.2024;1001;Tehtäväkohtainen palkka;1100;150;3000",
        "10001;1;15.3.2024;1.2.2024;29.2.2024;1001;Korjaus;1100;-10;-200,00",
        "10001;1;15.3.2024;1.2.2024;29.2.2024;1101;Lisä;1100;;100,00",
        "10002;1;15.6.2024;1.5.2024;31.5.2024;1001;Tehtäväkohtainen palkka;1100;100;2500,00",
        "10003;1;15.9.2024;1.8.2024;31.8.2024;1001;Tehtäväkohtainen palkka;2100;160;4800,00",
        "10004;1;15.9.2024;1.8.2024;31.8.2024;1001;Tehtäväkohtainen palkka;2100;160;6400,00",
        "10005;1;15.9.2024;1.8.2024;31.8.2024;1001;Tehtäväkohtainen palkka;1100;100;5000,00",
        "10006;1;15.9.2024;1.8.2024;31.8.2024;1001;Tehtäväkohtainen palkka;2100;100;3500,00",
        "10007;1;15.9.2024;1.8.2024;31.8.2024;1001;Tehtäväkohtainen palkka;1100;100;2800,00",
        "10008;1;15.9.2024;1.8.2024;31.8.2024;1001;Tehtäväkohtainen palkka;2100;;500,00",
    ],
    "poissaolot": [
        "Henkilönumero;Palvelussuhdenumero;Poissaolokoodi;Alkupvm;Loppupvm;Kalenteripäivät;"
        "Tunnit;Palkallisuus",
        "10001;1;MUU;1.3.2024;10.3.2024;10;76,5;palkaton",
        "10001;1;SAI;1.4.2024;5.4.2024;5;36,25;palkallinen",
        "10001;1;KOU;10.4.2024;11.4.2024;2;;palkallinen",
        "10001;1;KOU;2.12.2024;11.12.2024;10;;palkallinen",
        "10002;1;KOU;5.3.2024;6.3.2024;2;;palkallinen",
        "10003;1;KOU;1.9.2024;2.9.2024;2;;osittain",
        "10004;1;KOU;2.9.2024;3.9.2024;2;;palkallinen",
        "10006;1;OPV;20.12.2023;5.1.2024;17;;palkaton",
        "10006;1;OPV;3.1.2024;4.1.2024;2;;palkaton",
        "10006;1;KOU;1.2.2024;1.2.2024;1;;palkallinen",
        "10008;1;PER;1.9.2024;10.9.2024;10;;osittain",
        "10008;1;KOU;1.4.2024;1.4.2024;1;;palkallinen",
    ],
    "koulutukset": [
        "Osallistumistunnus;Koulutustunnus;Henkilönumero;Palvelussuhdenumero;Koulutuksen nimi;"
        "Järjestäjä;Tyyppi;Osaamisalue;Johtamiskoulutuksen taso;Alkupvm;Loppupvm;Tunnit;"
        "Koulutusmuoto;Palkallisuus %;Osallistumismaksu;Matkakulut;Majoitus;Päivärahat;Tuki;"
        "Hakemus pvm;Hyväksytty pvm;Hyväksyjä;Sitoumus kk;Tila",
        # T1 internal 12 h > 4 h: application needed, approved in time by a supervisor (0 €)
        "T1;K1;10001;1;Tiedonhallinta;Oma organisaatio;sisäinen;TIED;;10.4.2024;11.4.2024;12;määrätty;;;;;;;1.3.2024;1.4.2024;esihenkilö;;suoritettu",
        # T2 online 3 h on own time: no application, no pay
        "T2;K2;10001;1;Verkkokurssi;Oma organisaatio;verkko;TIED;;15.5.2024;15.5.2024;3;oma aika;;;;;;;;;;;suoritettu",
        # T3 external on paid leave (% empty = 100), approved late
        "T3;K3;10002;1;Asiakaspalvelu;Kuntaliitto;ulkoinen;AMM;;5.3.2024;6.3.2024;12;palkallinen vapaa;;800;120;;;;1.2.2024;10.3.2024;esihenkilö;;suoritettu",
        # T4 external, partly paid 50 %, 2 000 € net: approver below the limit
        "T4;K4;10003;1;Hankintalaki;Kuntaliitto;ulkoinen;LAKI;;1.9.2024;2.9.2024;10;osittain palkallinen vapaa;50;2000;;150;50;200;1.8.2024;20.8.2024;esihenkilö;;suoritettu",
        # T5 external 3 500 € net: sector head is enough, but the commitment is missing
        "T5;K5;10004;1;Johtamisen päivät;Arcada;ulkoinen;JOHT;;2.9.2024;6.9.2024;30;määrätty;;3500;100;400;;500;1.7.2024;1.8.2024;toimialajohtaja;;suoritettu",
        # T6 level 2 completed in 2019
        "T6;K6;10005;1;Esihenkilövalmennus;Otavan Opisto;ulkoinen;JOHT;2;1.2.2019;5.2.2019;20;määrätty;;1000;;;;;1.12.2018;2.1.2019;esihenkilö;;suoritettu",
        # T5c cancelled with a fee: cost only
        "T5c;K7;10005;1;Lakipäivät;Kuntaliitto;ulkoinen;AMM;;1.10.2024;1.10.2024;6;määrätty;;500;;;;;1.9.2024;;;;peruttu",
        # T13 zero hours: not 'trained'
        "T13;K8;10005;1;Webinaari;Oma organisaatio;verkko;AMM;;1.6.2024;1.6.2024;0;oma aika;;;;;;;;;;;suoritettu",
        "T7;K9;10006;1;Työhyvinvointi;Oma organisaatio;sisäinen;TYHY;;1.2.2024;1.2.2024;2;määrätty;;;;;;;;;;;suoritettu",
        # T7b level 1 interrupted after 3 h: hours count, the level does not
        "T7b;K10;10006;1;Esihenkilöperehdytys;Oma organisaatio;sisäinen;JOHT;1;1.3.2024;1.3.2024;3;määrätty;;;;;;;;;;;keskeytetty",
        "T15;K11;10006;1;Lainsäädäntö;Kuntaliitto;sisäinen;LAKI;;1.6.2024;1.6.2024;6;määrätty;;;;;;;;;;;peruttu",
        # T8 2023, 3 600 €, 24-month commitment from 30.11.2023; 10007 leaves 30.9.2024
        "T8;K12;10007;1;Projektijohtaminen;Arcada;ulkoinen;AMM;;1.11.2023;30.11.2023;60;palkallinen vapaa;100;3000;400;200;;;1.9.2023;1.10.2023;toimialajohtaja;24;suoritettu",
        # T9 no pay data: the SIV median 32,50 €/h is used
        "T9;K13;10008;1;Perehdytys;Oma organisaatio;sisäinen;AMM;;1.4.2024;1.4.2024;6;määrätty;;;;;;;20.3.2024;25.3.2024;esihenkilö;;suoritettu",
        # T10 person not employed in 2024: excluded everywhere
        "T10;K14;10009;1;Opetussuunnitelma;Oma organisaatio;sisäinen;AMM;;15.1.2024;15.1.2024;5;määrätty;;100;;;;;;;;;suoritettu",
        # T11 exactly 1 500 € (a supervisor may approve), 10 days with a 24-month commitment
        "T11;K15;10001;1;Tietosuojavastaava;Kuntaliitto;ulkoinen;AMM;;2.12.2024;11.12.2024;60;määrätty;;1 500,00;;;;;1.10.2024;1.11.2024;esihenkilö;24;suoritettu",
        # T12 external without any approval
        "T12;K16;10003;1;Digitaidot;Kuntaliitto;ulkoinen;TEKN;;1.10.2024;;6;määrätty;;300;;;;;;;;;suoritettu",
        # T14 in 2025, exactly 12 months after 10002's discussion: fulfils a 2024 need
        "T14;K17;10002;1;Asiakaspalvelu II;Oma organisaatio;sisäinen;AMM;;10.3.2025;10.3.2025;4;määrätty;;;;;;;;;;;suoritettu",
    ],
    "tavoitekeskustelut": [
        "Keskustelutunnus;Henkilönumero;Esihenkilön henkilönumero;Vuosi;Tila;Käyty pvm",
        "D1;10001;10005;2024;käyty;15.2.2024",
        "D2;10002;10004;2024;käyty;10.3.2024",
        "D3;10003;10004;2024;käyty;1.10.2024",
        "D4;10004;10004;2024;sovittu;",
        "D5;10005;10005;2024;käyty;20.1.2025",
        "D6;10006;10004;2024;käyty;5.5.2024",
        "D7;10008;10004;2023;käyty;1.12.2023",
        "D8;10007;10005;2024;käyty;1.2.2024",
    ],
    "koulutustarpeet": [
        "Tarvetunnus;Keskustelutunnus;Henkilönumero;Osaamisalue;Prioriteetti;Toteutustapa;Tavoitepvm",
        "N1;D1;10001;TIED;1;koulutus;31.12.2024",
        "N2;D1;10001;JOHT;2;koulutus;31.12.2024",
        "N3;D1;10001;AMM;3;työssä oppiminen;31.12.2024",
        "N4;D2;10002;AMM;1;koulutus;31.12.2024",
        "N5;D6;10006;TYHY;2;koulutus;31.12.2024",
        "N6;D6;10006;JOHT;1;koulutus;31.12.2024",
        "N7;D6;10006;LAKI;1;koulutus;31.12.2024",
        "N8;D3;10003;LAKI;1;koulutus;31.12.2024",
    ],
}


def write(folder: Path, encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, lines in FILES.items():
        (folder / f"{stem}.csv").write_bytes((newline.join(lines) + newline).encode(encoding))
    return folder


def write_xlsx(folder: Path) -> Path:
    """The same export as one workbook, a sheet per file, every cell as text; an empty value is
    an empty cell (a sheet keeps no trailing empty cells)."""
    import openpyxl

    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for stem, lines in FILES.items():
        ws = wb.create_sheet(stem)
        for line in lines:
            ws.append([c if c != "" else None for c in line.split(";")])
    path = folder / "export.xlsx"
    wb.save(path)
    return path
