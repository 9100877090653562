"""Pages that write configuration (saved import profiles, taxonomy keywords) fail in Chinese, not with a traceback."""
def test_read_only_config_folders_give_chinese_errors(tmp_path):
    """Under a service account without write access the two pages that write configuration say so in Chinese."""
    import os

    import pytest

    from cx import emerging_topics
    from cx.ingest import profiles
    from cx.text import taxonomy

    if os.geteuid() == 0:
        # root ignores permissions: a path below a regular file cannot be created by anyone
        blocker = tmp_path / "file"
        blocker.write_text("x")
        locked = blocker / "sub"
    else:
        locked = tmp_path / "ro"
        locked.mkdir(mode=0o500)
    with pytest.raises(profiles.ProfileError, match="无法创建保存导入配置的文件夹"):
        profiles.save("my_cfg", "我的配置", "survey", ["门店编号", "评分"], {"columns": {"门店编号": "store_id"}},
                      directory=locked)
    tax = tmp_path / "taxonomy.yaml"
    tax.write_text(taxonomy.TAXONOMY_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    tp = taxonomy.load(tax).touchpoints[0].id
    if os.geteuid() == 0:
        (tmp_path / "taxonomy.yaml.tmp").mkdir()        # the temporary file cannot be written: a folder is in its place
    else:
        tmp_path.chmod(0o500)
    try:
        with pytest.raises(emerging_topics.KeywordError, match="无法写入"):
            emerging_topics.add_keyword(tp, "测试新词", path=tax)
    finally:
        tmp_path.chmod(0o700)
