"""The template components render accessible markup: labels, hints and errors tied to their fields,
an error summary linking each field, states said in words, pagination that keeps the query."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import translation


class ApplicationForm(forms.Form):
    phone = forms.CharField(label="手机号码", help_text="11 位数字")
    note = forms.CharField(label="备注", required=False)
    kind = forms.ChoiceField(
        label="申请人类型", choices=[("person", "个人"), ("company", "企业")], widget=forms.RadioSelect
    )

    def clean(self):
        raise forms.ValidationError("请一次性补齐材料")


def render(source: str, **context) -> str:
    return Template("{% load components %}" + source).render(Context(context))


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_field_ties_label_hint_and_error_to_the_input():
    form = ApplicationForm(data={"phone": ""})
    html = render("{% field form.phone %}", form=form)
    assert '<label class="field__label" for="id_phone">手机号码' in html
    assert 'id="id_phone_helptext"' in html and "11 位数字" in html
    assert 'id="id_phone_error"' in html and "错误：" in html
    assert re.search(r'<input[^>]*aria-describedby="id_phone_helptext id_phone_error"', html)
    assert 'aria-invalid="true"' in html
    assert "（必填）" in html and "field--error" in html


def test_field_takes_a_hint_and_label_from_the_template_and_marks_no_optional_field_required():
    form = ApplicationForm()
    html = render('{% field form.note hint="写给窗口的话" label="给窗口的留言" %}', form=form)
    assert "给窗口的留言" in html and 'id="id_note_helptext"' in html
    assert re.search(r'<input[^>]*aria-describedby="id_note_helptext"', html)
    assert "（必填）" not in html and "field--error" not in html


def test_radio_buttons_are_a_fieldset_with_a_legend():
    form = ApplicationForm(data={})
    html = render("{% field form.kind %}", form=form)
    assert html.strip().startswith("<fieldset") and '<legend class="field__label">申请人类型' in html
    assert 'aria-describedby="id_kind_error"' in html.split(">")[0]


def test_error_summary_links_each_field_in_error_and_takes_the_focus():
    form = ApplicationForm(data={"phone": ""})
    html = render("{% error_summary form %}", form=form)
    assert 'role="alert"' in html and "autofocus" in html and 'tabindex="-1"' in html
    assert "请更正以下问题" in html
    assert '<a href="#id_phone">手机号码：该字段是必填项。</a>' in html
    assert '<a href="#id_kind_0">申请人类型：该字段是必填项。</a>' in html
    assert "<li>请一次性补齐材料</li>" in html


def test_error_summary_is_empty_for_an_unbound_or_valid_form():
    assert render("{% error_summary form %}", form=ApplicationForm()).strip() == ""


@pytest.mark.parametrize(
    ("component", "attrs", "expected"),
    [
        ("tag", 'text="需补正" kind="yellow"', '<strong class="tag tag--yellow">需补正</strong>'),
        ("notice", 'kind="warning" title="请带原件"', "注意：</span>请带原件"),
        ("button", 'text="在线申报" href="/x/" kind="start"', '<a href="/x/" class="button button--start">'),
        ("button", 'text="保存" kind="secondary" name="action" value="save"', 'name="action" value="save"'),
        ("panel", 'title="已提交" reference="370181-1"', '<strong class="panel-confirm__reference">370181-1'),
    ],
)
def test_simple_components(component, attrs, expected):
    assert expected in render(f'{{% include "components/{component}.html" with {attrs} %}}')


def test_summary_list_takes_pairs_or_rows_with_a_change_link():
    html = render(
        '{% include "components/summary_list.html" with rows=rows %}',
        rows=[("承诺时限", "5 个工作日"), {"key": "收费", "value": "", "href": "/edit/", "action": "修改"}],
    )
    assert '<dt class="summary-list__key">承诺时限</dt>' in html and "5 个工作日" in html
    assert '<dd class="summary-list__value">—</dd>' in html
    assert '<a href="/edit/">修改<span class="visually-hidden"> 收费</span></a>' in html


def test_steps_say_each_state_in_words_and_mark_the_current_step():
    steps = [
        {"label": "已提交", "state": "done", "when": "2026-03-02"},
        {"label": "预审中", "state": "current", "text": "部门正在审查您的材料"},
        {"label": "已办结"},
    ]
    html = render('{% include "components/steps.html" with steps=steps %}', steps=steps)
    assert html.count("<li") == 3 and html.count('aria-current="step"') == 1
    assert "已完成：" in html and "进行中：" in html and "待办：" in html
    assert 'aria-label="办理进度"' in html


def test_pagination_keeps_the_other_query_parameters():
    page = Paginator(list(range(50)), 10).page(2)
    request = RequestFactory().get("/portal/search/", {"q": "营业执照", "page": 2})
    template = Template('{% include "components/pagination.html" with page=page %}')
    html = template.render(RequestContext(request, {"page": page}))
    assert "第 2 页，共 5 页" in html
    assert 'href="?q=%E8%90%A5%E4%B8%9A%E6%89%A7%E7%85%A7&amp;page=1" rel="prev"' in html
    assert 'page=3" rel="next"' in html


def test_pagination_by_cursor_and_nothing_for_a_single_page():
    html = render('{% include "components/pagination.html" with next_url="?after=42" %}')
    assert '<a href="?after=42" rel="next">下一页</a>' in html and 'rel="prev"' not in html
    one = Paginator([1], 10).page(1)
    assert render('{% include "components/pagination.html" with page=one %}', one=one).strip() == ""
