{#- Seniority and persona from a free-text job title.

    The title is reduced to padded words (' vp of sales '), so a pattern with spaces around it
    ('% cto %') matches a whole word only ('director' does not contain the word cto) and a pattern
    without ('%market%') matches inside words. Rules are tried in order and the first match wins;
    a pattern may be a pair [match, unless] ('president' unless 'vice president').

    The order is the point:
    - seniority: c_level, vp, director, student, manager, else individual. 'President' is
      c_level but 'Vice President' is vp; 'Product Owner' is not an owner of the company.
    - persona: revops before marketing and sales ('Marketing Operations Manager' is revops),
      the functions before executive ('Chief Marketing Officer' is marketing, 'VP of Sales' is
      sales), executive last ('CEO & Founder'), else other.
    A null title falls through to the defaults (individual, other).

    The macros take the title column; pass is_padded=true when the column already holds
    padded_words(title), to normalise once per row instead of once per pattern. -#}

{% macro job_title_seniority_rules() -%}
    {{ return([
        ('c_level', ['% ceo %', '% cfo %', '% cmo %', '% cto %', '% coo %', '% cio %',
                     '% chief %', '%founder%', ['% owner %', '% product owner %'],
                     ['% president %', '% vice president %']]),
        ('vp', ['% vp %', '% svp %', '% evp %', '% vice president %']),
        ('director', ['% director %', '% head of %', '% head %']),
        ('student', ['% student %', '% intern %', '% internship %']),
        ('manager', ['% manager %', '% lead %', '% mgr %']),
    ]) }}
{%- endmacro %}

{% macro job_title_persona_rules() -%}
    {{ return([
        ('revops', ['%revops%', '% rev ops %', '%revenue operations%', '%sales operations%',
                    '%marketing operations%', '% sales ops %', '% marketing ops %']),
        ('marketing', ['%marketing%', '%demand gen%', '%growth%', '%brand%', '%content%',
                       '% cmo %']),
        ('sales', ['%sales%', '%account executive%', '% sdr %', '% bdr %',
                   '%business development%']),
        ('it', ['%engineer%', '%developer%', '% it %', '%technology%', '% cto %', '% cio %']),
        ('finance', ['%finance%', '%financial%', '% cfo %', '%accounting%', '%controller%']),
        ('executive', ['% ceo %', '%founder%', ['% president %', '% vice president %'],
                       ['% owner %', '% product owner %'], '%managing director%',
                       '% chief executive %', '% coo %']),
    ]) }}
{%- endmacro %}

{#- Renders `case when <words> like ... then '<label>' ... else '<default>' end`. -#}
{% macro job_title_case(column, rules, default, is_padded=false) -%}
    {%- set words = column if is_padded else padded_words(column) | trim -%}
    case
    {%- for label, patterns in rules %}
        when
        {%- for pattern in patterns %}
            {%- if pattern is string %}
            {{ 'or ' if not loop.first }}{{ words }} like '{{ pattern }}'
            {%- else %}
            {{ 'or ' if not loop.first }}({{ words }} like '{{ pattern[0] }}'
                and {{ words }} not like '{{ pattern[1] }}')
            {%- endif %}
        {%- endfor %}
            then '{{ label }}'
    {%- endfor %}
        else '{{ default }}'
    end
{%- endmacro %}

{% macro job_title_seniority(column, is_padded=false) -%}
    {{ job_title_case(column, job_title_seniority_rules(), 'individual', is_padded) }}
{%- endmacro %}

{% macro job_title_persona(column, is_padded=false) -%}
    {{ job_title_case(column, job_title_persona_rules(), 'other', is_padded) }}
{%- endmacro %}
